package dev.operators.permissionset.simulator.aws;

import java.util.regex.Pattern;

/** The SSO Admin model's constraints on IDs (service-2.json, API version 2020-07-20). */
public final class AwsPatterns {

  public static final String INSTANCE_ARN_REGEX =
      "arn:aws(-[a-z]{1,5}){0,3}:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}";
  public static final String PERMISSION_SET_ARN_REGEX =
      "arn:aws(-[a-z]{1,5}){0,3}:sso:::permissionSet/(sso)?ins-[a-zA-Z0-9-.]{16}/ps-[a-zA-Z0-9-./]{16}";
  public static final String ACCOUNT_ID_REGEX = "\\d{12}";
  public static final String REQUEST_ID_REGEX =
      "\\b[0-9a-f]{8}\\b-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-\\b[0-9a-f]{12}\\b";
  public static final String TOKEN_REGEX = "[-a-zA-Z0-9+=/_]*";
  public static final Pattern INSTANCE_ARN = Pattern.compile(INSTANCE_ARN_REGEX);
  public static final Pattern PERMISSION_SET_ARN = Pattern.compile(PERMISSION_SET_ARN_REGEX);
  public static final Pattern ACCOUNT_ID = Pattern.compile(ACCOUNT_ID_REGEX);
  public static final Pattern REQUEST_ID = Pattern.compile(REQUEST_ID_REGEX);
  public static final Pattern TOKEN = Pattern.compile(TOKEN_REGEX);

  private AwsPatterns() {
  }

  /** The start every permission set ARN of the instance shares: {@code arn:aws:sso:::permissionSet/ssoins-.../}. */
  public static String permissionSetArnPrefix(String instanceArn) {
    return instanceArn.replace(":sso:::instance/", ":sso:::permissionSet/") + "/";
  }
}
