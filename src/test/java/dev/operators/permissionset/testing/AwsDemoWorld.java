package dev.operators.permissionset.testing;

/**
 * The IDs of the AWS demo world, src/main/resources/simulator/demo-fixture-aws.yaml (SimulatorFixture.demoAws()):
 * tests name them from here so that they agree with the fixture and with one another.
 */
public final class AwsDemoWorld {

  public static final String REGION = "us-east-1";
  /** The demo's key pair: the simulator knows it, and it may act on {@link #INSTANCE}. */
  public static final String ACCESS_KEY = "AKIADEMO7Q2M4X8Z1V5N";
  public static final String SECRET_KEY = "demo-aws-sk-3d5f7a9c1e2b4d6f8a0c2e4f6a8b0d2f";
  /** Temporary credentials: they must send {@link #SESSION_TOKEN}. */
  public static final String SESSION_ACCESS_KEY = "ASIADEMO0SESSION0001";
  public static final String SESSION_SECRET_KEY = "demo-aws-session-sk-0a1b2c3d4e5f60718293";
  public static final String SESSION_TOKEN = "demo-aws-session-token-7f6e5d4c3b2a1908";
  /** An expired session: every call answers ExpiredTokenException. */
  public static final String EXPIRED_ACCESS_KEY = "ASIADEMO0EXPIRED0001";
  public static final String EXPIRED_SECRET_KEY = "demo-aws-expired-sk-0000000000000000000";
  public static final String EXPIRED_TOKEN = "demo-aws-expired-token-0000000000000000";
  /** Known to the simulator, with no instance it may act on: every call answers AccessDeniedException. */
  public static final String NO_PERMISSION_ACCESS_KEY = "AKIANOPERM0000000000";
  public static final String NO_PERMISSION_SECRET_KEY = "noperm-aws-sk-0000000000000000000000000";

  public static final String INSTANCE = "arn:aws:sso:::instance/ssoins-72230d1e4f5a6b7c";
  private static final String PERMISSION_SET_PREFIX = "arn:aws:sso:::permissionSet/ssoins-72230d1e4f5a6b7c/";

  public static final String READ_ONLY = PERMISSION_SET_PREFIX + "ps-8603aaaaaaaa14bd";
  public static final String READ_ONLY_NAME = "ReadOnlyAccess";
  public static final String ADMINISTRATOR = PERMISSION_SET_PREFIX + "ps-1a2b3c4d5e6f7081";
  public static final String ADMINISTRATOR_NAME = "AdministratorAccess";
  public static final String BILLING_VIEWER = PERMISSION_SET_PREFIX + "ps-5e6f708192a3b4c5";
  public static final String BILLING_VIEWER_NAME = "BillingViewer";
  /** The first of the generated permission sets, Team-001 .. Team-140. */
  public static final String TEAM_001 = PERMISSION_SET_PREFIX + "ps-f000000000000001";

  /** Provisioned with {@link #READ_ONLY} from the start, as is {@link #ANALYTICS}. */
  public static final String PAYMENTS = "111122223333";
  public static final String ANALYTICS = "222233334444";
  public static final String SANDBOX = "333344445555";
  /** Suspended: every provision to it fails with {@link #LEGACY_FAILURE_REASON}. */
  public static final String LEGACY = "444455556666";
  public static final String LEGACY_FAILURE_REASON = "AWS SSO is unable to complete your request at this time. The "
      + "account 444455556666 is suspended and cannot be provisioned.";

  private AwsDemoWorld() {
  }
}
