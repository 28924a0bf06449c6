package dev.operators.permissionset.api.v1alpha1;

/** What the operator does when the accounts hold an out-of-date copy of the permission set. */
public enum ReprovisionPolicy {
  /** Report it in the UpToDate condition; provision again only on request (the annotation) or a spec change. */
  Manual,
  /** Report it, and provision again once for each drift the operator sees. */
  Automatic
}
