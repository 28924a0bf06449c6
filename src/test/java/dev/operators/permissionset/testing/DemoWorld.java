package dev.operators.permissionset.testing;

/**
 * The IDs of the demo world, src/main/resources/simulator/demo-fixture.yaml, which the simulator serves by default:
 * tests name them from here so that they agree with the fixture and with one another.
 */
public final class DemoWorld {

  /** The demo's key pair: the simulator knows it, and it may act on {@link #INSTANCE}. */
  public static final String ACCESS_KEY = "DEMOAK7Q2M4X8Z1V5N3B";
  public static final String SECRET_KEY = "demo-sk-3d5f7a9c1e2b4d6f8a0c2e4f6a8b0d2f";
  public static final String DOMAIN_ID = "d0m41n0000000000000000000000demo";
  /** Known to the simulator, with no instance it may act on: every call answers 403. */
  public static final String NO_PERMISSION_ACCESS_KEY = "NOPERMAK00000000000";
  public static final String NO_PERMISSION_SECRET_KEY = "noperm-sk-0000000000000000000000000000";

  /** Where the examples and the tests put their resources; the fixture knows no namespaces. */
  public static final String NAMESPACE = "platform";
  public static final String INSTANCE = "ins-4f1d2c3b4a596870";

  public static final String READ_ONLY = "ps-8603aaaaaaaa14bd";
  public static final String READ_ONLY_NAME = "ReadOnlyAccess";
  public static final String ADMINISTRATOR = "ps-1a2b3c4d5e6f7081";
  public static final String ADMINISTRATOR_NAME = "AdministratorAccess";
  public static final String BILLING_VIEWER = "ps-5e6f708192a3b4c5";
  public static final String BILLING_VIEWER_NAME = "BillingViewer";

  /** Provisioned with {@link #READ_ONLY} from the start, as is {@link #ANALYTICS}. */
  public static final String PAYMENTS = "5146d03d8aaaaaaaaaaaabbae60620a5";
  public static final String ANALYTICS = "0c1d2e3f405162738495a6b7c8d9e0f1";
  public static final String SANDBOX = "7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4";
  /** Suspended: every provision to it fails with {@link #LEGACY_FAILURE_REASON}. */
  public static final String LEGACY = "9a8b7c6d5e4f30211203f4e5d6c7b8a9";
  public static final String LEGACY_FAILURE_REASON =
      "The account 9a8b7c6d5e4f30211203f4e5d6c7b8a9 is suspended and cannot be provisioned.";

  private DemoWorld() {
  }
}
