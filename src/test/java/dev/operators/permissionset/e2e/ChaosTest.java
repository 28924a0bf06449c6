package dev.operators.permissionset.e2e;

import dev.operators.permissionset.api.v1alpha1.ConnectionReference;
import dev.operators.permissionset.api.v1alpha1.ConnectionReference.Kind;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnectionSpec;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.api.v1alpha1.ReprovisionPolicy;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.simulator.IdentityCenterSimulator;
import dev.operators.permissionset.simulator.RequestCounters;
import dev.operators.permissionset.simulator.SimulatorFixture;
import dev.operators.permissionset.simulator.aws.AwsPatterns;
import dev.operators.permissionset.testing.AwsDemoWorld;
import dev.operators.permissionset.testing.DemoWorld;
import dev.operators.permissionset.testing.KubernetesTestServer;
import dev.operators.permissionset.testing.OperatorProcess;
import dev.operators.permissionset.testing.Pause;
import dev.operators.permissionset.testing.TestConnections;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of resources, half on Huawei Cloud and half on AWS, each cloud a simulator of its own that is slow,
 * throttles, fails, drops connections (also after it accepted a provision) and has accounts that cannot be
 * provisioned, on a Kubernetes API that refuses stale writes.
 * The operator runs as its own JVM and is killed with SIGKILL at random moments, some right after the simulator
 * accepted a provision, and replaced at once. Right after the simulator accepts their provision, some resources move
 * to another account, some to another permission set, and some are deleted and created again under the same name for another account;
 * the Secrets of the IdentityCenterConnections that some resources use are deleted after they succeeded, then
 * restored. Permission sets change in the clouds: some resources provision again on their own when their account is
 * out of date (reprovisionPolicy Automatic), and some are asked to by new values of the reprovision annotation.
 *
 * <p>At the end every resource must be in its right state with conditions, and each cloud's simulator must have
 * accepted exactly one provision per resource generation (a re-created resource is a new resource), per value of the
 * annotation and per drift the operator provisioned for, and never two for one permission set at a time. The seed
 * is printed; {@code -Dchaos.seed=N} replays its choices (the timing of threads and processes is the machine's).
 */
@Tag("chaos")
class ChaosTest {

  private static final String NAMESPACE = "chaos";
  private static final int PERMISSION_SETS = 25;
  /** Finished requests the instance has before the run. */
  private static final int HISTORY = 3_000;
  private static final Duration LIST_LAG = Duration.ofMillis(300);
  /** Longer than a provisioning takes in the simulators (200 ms) and the lag of their lists. */
  private static final Duration RECREATE_AFTER = Duration.ofMillis(600);
  /** What the operator is told of the lists' lag: a little more than it is. */
  private static final String OPERATOR_LIST_LAG = "1s";
  private static final int ACCOUNTS_PER_PERMISSION_SET = 4;
  private static final List<String> FAILURE_REASONS = List.of(
      "The account is suspended and cannot be provisioned.",
      "The account has reached its quota of permission sets.",
      "The account is being closed.");
  /** The resources of these permission sets' first accounts use their cloud's IdentityCenterConnection. */
  private static final int FIRST_SET_WITH_SECRET = 20;
  private static final int ACCOUNTS_WITH_SECRET = 2;
  private static final int KILLS = 8;
  /** Churn in each cloud. */
  private static final int TARGET_CHANGES = 6;
  private static final int PERMISSION_SET_CHANGES = 5;
  private static final int RECREATIONS = 5;
  /** A permission set change moves a resource this many permission sets on. */
  private static final int PERMISSION_SET_SHIFT = 5;
  private static final Duration CONVERGENCE_LIMIT = Duration.ofSeconds(150);
  private static final Duration OPERATOR_START_LIMIT = Duration.ofSeconds(60);
  /** How often the simulator's accepted provisions are read: the churn follows an acceptance by about this much. */
  private static final Duration TICK = Duration.ofMillis(5);
  private static final Duration LIST_INTERVAL = Duration.ofMillis(500);
  private static final Duration READY_PROBE_INTERVAL = Duration.ofMillis(100);
  /** A kill waiting for an accepted provision comes at the latest this long after the operator was ready. */
  private static final Duration KILL_AFTER_ACCEPT_LIMIT = Duration.ofSeconds(10);
  private static final Duration LONGEST_RANDOM_LIFE = Duration.ofSeconds(3);
  /** How long a running operator must see the connection's Secret missing before it comes back. */
  private static final Duration SECRET_ABSENCE = Duration.ofSeconds(2);
  /** Sets of each cloud with resources of reprovisionPolicy Automatic to accounts, besides set 1 to all accounts. */
  private static final int AUTOMATIC_SETS = 3;
  private static final int AUTOMATIC_PER_SET = 2;
  /** Resources of each cloud that get new values of the annotation: provisioned ones, and failed ones. */
  private static final int ANNOTATED_PROVISIONED = 3;
  private static final int ANNOTATED_FAILED = 2;
  private static final int TOKENS_PER_RESOURCE = 2;
  /** The everywhere resource of this set is Automatic; the set's other resources are not. */
  private static final int AUTOMATIC_EVERYWHERE_SET = 1;
  private static final String DRIFT_CHECK_INTERVAL = "2s";
  /** A second touch of a set comes this long at most after the first: often while that drift is being repaired. */
  private static final Duration SECOND_TOUCH_LIMIT = Duration.ofMillis(2500);
  private static final Path LOGS = Path.of("target", "chaos");
  private static final String PROVISIONED = "Provisioned";
  private static final String PROVISIONING_FAILED = "ProvisioningFailed";

  private final List<OperatorProcess> processes = new ArrayList<>();
  private final Map<Side, IdentityCenterSimulator> simulators = new EnumMap<>(Side.class);
  private KubernetesTestServer kubernetes;

  /**
   * A cloud of the run with its own simulator: its IDs in the cloud's forms, the connection its resources use (on
   * Huawei Cloud the default one), and the IdentityCenterConnection of the namespace whose Secret goes missing.
   */
  private enum Side {
    HUAWEI("huawei", "ins-c4a0500000000001", "", "a0c4a05%025d", "fa11c4a05%023d", "0000c4a05%024d",
        "ps-c4a05ffffffffff", null, "chaos-team", "chaos-credentials",
        new CloudCredentials(DemoWorld.ACCESS_KEY, DemoWorld.SECRET_KEY, Optional.empty(),
            Optional.of(DemoWorld.DOMAIN_ID))),
    AWS("aws", "arn:aws:sso:::instance/ssoins-c4a0500000000001",
        AwsPatterns.permissionSetArnPrefix("arn:aws:sso:::instance/ssoins-c4a0500000000001"), "4%011d", "9%011d",
        "0%011d", AwsPatterns.permissionSetArnPrefix("arn:aws:sso:::instance/ssoins-c4a0500000000001")
            + "ps-c4a05fffffffffff", "chaos-aws", "chaos-team-aws", "chaos-credentials-aws",
        CloudCredentials.of(AwsDemoWorld.ACCESS_KEY, AwsDemoWorld.SECRET_KEY));

    final String label;
    final String instance;
    private final String permissionSetPrefix;
    private final String healthyAccountFormat;
    private final String failingAccountFormat;
    private final String unknownAccountFormat;
    final String unknownPermissionSet;
    /** The ClusterIdentityCenterConnection of the cloud, or null for the default one. */
    final String clusterConnection;
    /** An IdentityCenterConnection of the namespace, which reads {@link #credentialsSecret}. */
    final String teamConnection;
    final String credentialsSecret;
    final CloudCredentials credentials;

    Side(String label, String instance, String permissionSetPrefix, String healthyAccountFormat,
        String failingAccountFormat, String unknownAccountFormat, String unknownPermissionSet,
        String clusterConnection, String teamConnection, String credentialsSecret, CloudCredentials credentials) {
      this.label = label;
      this.instance = instance;
      this.permissionSetPrefix = permissionSetPrefix;
      this.healthyAccountFormat = healthyAccountFormat;
      this.failingAccountFormat = failingAccountFormat;
      this.unknownAccountFormat = unknownAccountFormat;
      this.unknownPermissionSet = unknownPermissionSet;
      this.clusterConnection = clusterConnection;
      this.teamConnection = teamConnection;
      this.credentialsSecret = credentialsSecret;
      this.credentials = credentials;
    }

    String permissionSet(int index) {
      return permissionSetPrefix + String.format("ps-c4a050000000%04d", index);
    }

    String healthyAccount(AccountBlock block, int index) {
      return String.format(healthyAccountFormat, block.ordinal() * ACCOUNTS_PER_PERMISSION_SET + index);
    }

    String failingAccount(int index) {
      return String.format(failingAccountFormat, index);
    }

    String unknownAccount(int index) {
      return String.format(unknownAccountFormat, index);
    }

    /** The simulator's key of a provision, and of its permission set's provisionings in flight. */
    String key(int permissionSet, String target) {
      return RequestCounters.provisionKey(instance, permissionSet(permissionSet), target);
    }

    String setKey(int permissionSet) {
      return instance + "/" + permissionSet(permissionSet);
    }

    boolean owns(String key) {
      return key.startsWith(instance + "/");
    }
  }

  /** What is done to a healthy resource right after the simulator accepted its first provision. */
  private enum Churn {
    NONE, TARGET_CHANGE, PERMISSION_SET_CHANGE, RECREATE
  }

  /**
   * The healthy accounts come in blocks of {@link #ACCOUNTS_PER_PERMISSION_SET}, so that every resource generation
   * provisions a key of its own: a resource's block index is its account number.
   */
  private enum AccountBlock {
    CREATED, TARGET_CHANGE, RECREATED, PERMISSION_SET_CHANGE
  }

  /**
   * What a resource must end as.
   *
   * @param permissionSet index of the permission set it provisions, or -1 when it names an unknown one
   * @param provisionKey the simulator's key of the provision it makes, or null when the cloud accepts none
   * @param failureReason the cloud's failure_reason it must show, or null
   */
  private record Expected(Side side, PermissionSetProvisioningSpec spec, int permissionSet, String reason,
      String failureReason, String provisionKey, Churn churn, Again again) {

    Expected(Side side, PermissionSetProvisioningSpec spec, int permissionSet, String reason, String failureReason,
        String provisionKey, Churn churn) {
      this(side, spec, permissionSet, reason, failureReason, provisionKey, churn, Again.NONE);
    }

    Expected withChurn(Churn next) {
      return new Expected(side, spec, permissionSet, reason, failureReason, provisionKey, next, again);
    }

    Expected provisionedAgainBy(Again next) {
      if (next == Again.DRIFT) {
        spec.setReprovisionPolicy(ReprovisionPolicy.Automatic);
      }
      return new Expected(side, spec, permissionSet, reason, failureReason, provisionKey, churn, next);
    }
  }

  /** How a resource without churn is provisioned again without a spec change. */
  private enum Again {
    NONE,
    /** reprovisionPolicy Automatic, in a set that is touched when all its Automatic resources are up to date. */
    DRIFT,
    /** New values of the annotation, each once the last was handled. */
    ANNOTATION,
    /** The same, and the first value applied a second time once handled. */
    ANNOTATION_REPEATED
  }

  /** One resource generation that must have made exactly one provision of its key. */
  private record Generation(String name, String uid, long generation, String provisionKey) {

    @Override
    public String toString() {
      return name + " (uid " + uid + ", generation " + generation + ")";
    }
  }

  /** A set with Automatic resources: touched once all of them are up to date, and maybe again soon after. */
  private static final class PlannedTouch {
    final Side side;
    final int set;
    final List<String> members = new ArrayList<>();
    /** When it was touched first ({@link System#nanoTime()}), or -1. */
    long firstAt = -1;
    long againAt = Long.MAX_VALUE;

    PlannedTouch(Side side, int set) {
      this.side = side;
      this.set = set;
    }
  }

  /** What the run did, for the figures and for the checks that it did what it should. */
  private static final class Tally {
    int kills;
    int killsAfterAccept;
    final List<String> killTimes = new ArrayList<>();
    int targetChanges;
    int permissionSetChanges;
    int recreations;
    int churnBeforeRecorded;
    Duration secretAbsent = Duration.ZERO;
    int plannedTouches;
    int touchesAtKills;
    int touchesSoonAfter;
    int annotationsApplied;
    int annotationsRepeated;
    final Map<String, Duration> milestones = new LinkedHashMap<>();
  }

  @AfterEach
  void stop() {
    // SIGKILL for any process still running, whatever failed: none may outlive the test or hold its port
    processes.forEach(OperatorProcess::kill);
    simulators.values().forEach(IdentityCenterSimulator::close);
    if (kubernetes != null) {
      kubernetes.close();
    }
  }

  /**
   * A real instance's conditions: a long request history, offset markers (items that leave a list shift later
   * pages) and lists that show a new request only after a while.
   */
  private static IdentityCenterSimulator.Options simulatorOptions(long seed) {
    return IdentityCenterSimulator.Options.defaults()
        .withSeed(seed)
        .withHistory(HISTORY)
        .withPaging(IdentityCenterSimulator.Paging.OFFSET)
        .withListLag(LIST_LAG);
  }

  private static long seed() {
    return Long.getLong("chaos.seed", new Random().nextLong());
  }

  private static String permissionSetName(int index) {
    return String.format("Chaos-%02d", index);
  }

  private static SimulatorFixture fixture(Side side) {
    List<SimulatorFixture.PermissionSet> sets = new ArrayList<>();
    for (int i = 0; i < PERMISSION_SETS; i++) {
      sets.add(new SimulatorFixture.PermissionSet(side.permissionSet(i), permissionSetName(i), "Chaos set " + i,
          null));
    }
    List<SimulatorFixture.Account> accounts = new ArrayList<>();
    for (AccountBlock block : AccountBlock.values()) {
      for (int i = 0; i < ACCOUNTS_PER_PERMISSION_SET; i++) {
        accounts.add(new SimulatorFixture.Account(side.healthyAccount(block, i), block + "-" + i, null));
      }
    }
    for (int i = 0; i < FAILURE_REASONS.size(); i++) {
      accounts.add(new SimulatorFixture.Account(side.failingAccount(i), "failing-" + i, FAILURE_REASONS.get(i)));
    }
    // ALL_PROVISIONED_ACCOUNTS of set 0 reaches a failing account and fails; that of set 1 succeeds
    Map<String, List<String>> provisioned = Map.of(
        side.permissionSet(0), List.of(side.healthyAccount(AccountBlock.CREATED, 0), side.failingAccount(0)),
        side.permissionSet(1), List.of(side.healthyAccount(AccountBlock.CREATED, 0)));
    SimulatorFixture.Instance instance = new SimulatorFixture.Instance(side.instance, sets, 0, accounts,
        provisioned);
    SimulatorFixture.Credential credential = new SimulatorFixture.Credential(side.credentials.accessKey(),
        side.credentials.secretKey(), null, side.credentials.domainId().orElse(null), List.of(side.instance));
    return side == Side.AWS
        ? new SimulatorFixture(SimulatorFixture.Cloud.AWS, AwsDemoWorld.REGION, Duration.ofMillis(200),
            List.of(credential), List.of(instance))
        : new SimulatorFixture(Duration.ofMillis(200), List.of(credential), List.of(instance));
  }

  private static PermissionSetProvisioningSpec spec(Side side, int permissionSet, boolean byName, String account) {
    PermissionSetProvisioningSpec spec = new PermissionSetProvisioningSpec();
    spec.setInstanceId(side.instance);
    if (byName) {
      spec.setPermissionSetName(permissionSetName(permissionSet));
    } else {
      spec.setPermissionSetId(side.permissionSet(permissionSet));
    }
    spec.setTargetType(account == null ? TargetType.ALL_PROVISIONED_ACCOUNTS : TargetType.ACCOUNT);
    spec.setTargetId(account);
    if (side.clusterConnection != null) {
      spec.setConnectionRef(new ConnectionReference(Kind.ClusterIdentityCenterConnection, side.clusterConnection));
    }
    return spec;
  }

  private static Expected provisioned(Side side, int set, PermissionSetProvisioningSpec spec, Churn churn) {
    return new Expected(side, spec, set, PROVISIONED, null, side.key(set, spec.getTargetId()), churn);
  }

  private static Expected failed(Side side, int set, PermissionSetProvisioningSpec spec, String failureReason) {
    String target = spec.getTargetId() == null ? "ALL_PROVISIONED_ACCOUNTS" : spec.getTargetId();
    return new Expected(side, spec, set, PROVISIONING_FAILED, failureReason, side.key(set, target), Churn.NONE);
  }

  private static Expected notFound(Side side, PermissionSetProvisioningSpec spec, String reason) {
    return new Expected(side, spec, -1, reason, null, null, Churn.NONE);
  }

  /** The resources by name, with what each must end as and what is done to it on the way: the same in each cloud. */
  private static Map<String, Expected> resources(Random random) {
    Map<String, Expected> resources = new LinkedHashMap<>();
    for (Side side : Side.values()) {
      resources.putAll(resources(side, random));
    }
    return resources;
  }

  private static Map<String, Expected> resources(Side side, Random random) {
    Map<String, Expected> resources = new LinkedHashMap<>();
    List<String> churnable = new ArrayList<>();
    String prefix = side.label + "-";
    for (int set = 0; set < PERMISSION_SETS; set++) {
      for (int account = 0; account < ACCOUNTS_PER_PERMISSION_SET; account++) {
        String name = String.format("%sset%02d-healthy%02d", prefix, set, account);
        PermissionSetProvisioningSpec spec = spec(side, set, account % 7 == 3,
            side.healthyAccount(AccountBlock.CREATED, account));
        if (set >= FIRST_SET_WITH_SECRET && account < ACCOUNTS_WITH_SECRET) {
          spec.setConnectionRef(new ConnectionReference(Kind.IdentityCenterConnection, side.teamConnection));
        } else {
          churnable.add(name);
        }
        resources.put(name, provisioned(side, set, spec, Churn.NONE));
      }
    }
    Collections.shuffle(churnable, random);
    List<Churn> churns = new ArrayList<>();
    churns.addAll(Collections.nCopies(TARGET_CHANGES, Churn.TARGET_CHANGE));
    churns.addAll(Collections.nCopies(PERMISSION_SET_CHANGES, Churn.PERMISSION_SET_CHANGE));
    churns.addAll(Collections.nCopies(RECREATIONS, Churn.RECREATE));
    for (int i = 0; i < churns.size(); i++) {
      Churn churn = churns.get(i);
      resources.computeIfPresent(churnable.get(i), (name, expected) -> expected.withChurn(churn));
    }
    for (int set = 0; set < 4; set++) {
      for (int failing = 0; failing < FAILURE_REASONS.size(); failing++) {
        resources.put(String.format("%sset%02d-failing%d", prefix, set, failing),
            failed(side, set, spec(side, set, false, side.failingAccount(failing)), FAILURE_REASONS.get(failing)));
      }
    }
    resources.put(prefix + "set00-everywhere", failed(side, 0, spec(side, 0, false, null), FAILURE_REASONS.get(0)));
    resources.put(prefix + "set01-everywhere", new Expected(side, spec(side, 1, true, null), 1, PROVISIONED, null,
        side.key(1, "ALL_PROVISIONED_ACCOUNTS"), Churn.NONE).provisionedAgainBy(Again.DRIFT));
    provisionedAgain(resources, prefix, random);
    resources.put(prefix + "unknown-account-1",
        notFound(side, spec(side, 2, false, side.unknownAccount(1)), "AccountNotFound"));
    resources.put(prefix + "unknown-account-2",
        notFound(side, spec(side, 3, true, side.unknownAccount(2)), "AccountNotFound"));
    PermissionSetProvisioningSpec unknownSet = spec(side, 0, false, side.healthyAccount(AccountBlock.CREATED, 0));
    unknownSet.setPermissionSetId(side.unknownPermissionSet);
    resources.put(prefix + "unknown-set-by-id", notFound(side, unknownSet, "PermissionSetNotFound"));
    PermissionSetProvisioningSpec unknownName = spec(side, 0, true, side.healthyAccount(AccountBlock.CREATED, 1));
    unknownName.setPermissionSetName("Chaos-NoSuchSet");
    resources.put(prefix + "unknown-set-by-name", notFound(side, unknownName, "PermissionSetNotFound"));
    return resources;
  }

  /**
   * Resources without churn, provisioned again without a spec change: Automatic ones to accounts in a few sets that
   * reach Identity Center through the default connection (an Automatic resource to all accounts would bring theirs up
   * to date too, so set {@value #AUTOMATIC_EVERYWHERE_SET} has none), and annotated ones, provisioned and failed.
   */
  private static void provisionedAgain(Map<String, Expected> resources, String prefix, Random random) {
    List<Integer> sets = IntStream.range(AUTOMATIC_EVERYWHERE_SET + 1, FIRST_SET_WITH_SECRET).boxed()
        .collect(Collectors.toCollection(ArrayList::new));
    Collections.shuffle(sets, random);
    Set<Integer> automaticSets = Set.copyOf(sets.subList(0, AUTOMATIC_SETS));
    List<String> annotatable = new ArrayList<>();
    for (String name : List.copyOf(resources.keySet())) {
      Expected expected = resources.get(name);
      boolean healthy = name.contains("-healthy") && expected.churn() == Churn.NONE;
      if (healthy && automaticSets.contains(expected.permissionSet())
          && Integer.parseInt(name.substring(name.length() - 2)) < AUTOMATIC_PER_SET) {
        resources.put(name, expected.provisionedAgainBy(Again.DRIFT));
      } else if (healthy && expected.permissionSet() != AUTOMATIC_EVERYWHERE_SET) {
        annotatable.add(name);
      }
    }
    Collections.shuffle(annotatable, random);
    List<String> failing = new ArrayList<>(resources.keySet().stream().filter(name -> name.contains("-failing"))
        .toList());
    Collections.shuffle(failing, random);
    Stream.concat(annotatable.stream().limit(ANNOTATED_PROVISIONED), failing.stream().limit(ANNOTATED_FAILED))
        .forEach(name -> resources.computeIfPresent(name, (n, expected) -> expected.provisionedAgainBy(
            random.nextBoolean() ? Again.ANNOTATION : Again.ANNOTATION_REPEATED)));
  }

  @Test
  void everyResourceEndsRightWithOneProvisionPerGenerationThroughKillsDeletesAndMoves() throws IOException {
    long seed = seed();
    System.out.println("chaos seed " + seed + " (replay with -Dchaos.seed=" + seed + ")");
    Random random = new Random(seed);
    kubernetes = KubernetesTestServer.start();
    for (Side side : Side.values()) {
      IdentityCenterSimulator simulator = IdentityCenterSimulator.start(fixture(side),
          simulatorOptions(seed + side.ordinal()));
      simulator.faults()
          .latency(Duration.ZERO, Duration.ofMillis(20))
          .serverErrorRate(0.10)
          .throttleRate(0.05)
          .dropRate(0.02)
          // each cloud takes half the provisions: a higher share still loses some answers in each
          .dropAcceptedProvisionRate(0.05);
      simulators.put(side, simulator);
    }
    prepareLogs();
    Run run = new Run(random);
    run.converge();
    run.stopOperator();
    run.check(seed);
  }

  private static void prepareLogs() throws IOException {
    Files.createDirectories(LOGS);
    try (Stream<Path> old = Files.list(LOGS)) {
      for (Path log : old.filter(p -> p.getFileName().toString().startsWith("operator-")).toList()) {
        Files.delete(log);
      }
    }
  }

  /** One run: the resources, the operator processes, the churn and what it all came to. */
  private final class Run {

    private final Random random;
    private final KubernetesClient client = kubernetes.client();
    private final Map<String, Expected> expected;
    /** The churn still waiting for its resource's provision, by the simulator's key of that provision. */
    private final Map<String, String> churnByKey = new TreeMap<>();
    private final List<Generation> generations = new ArrayList<>();
    private final Set<String> acceptedKeys = new HashSet<>();
    private final Tally tally = new Tally();
    private final long started = System.nanoTime();

    /** What the churn did in each permission set (by instance/permissionSet), to tell what a violation followed. */
    private final Map<String, List<String>> churnBySet = new TreeMap<>();
    /** Permission sets (instance/permissionSet) in which an account move went to a failing account. */
    private final Set<String> setsMovedToFailing = new HashSet<>();

    /** When each permission set (instance/permissionSet) was touched. */
    private final Map<String, List<Instant>> touches = new TreeMap<>();
    /** The sets with Automatic resources, each touched once all of them are up to date, and maybe soon again. */
    private final Map<String, PlannedTouch> plannedTouches = new TreeMap<>();
    /** The values of the annotation still to apply to each annotated resource, and those applied. */
    private final Map<String, Annotations> annotations = new TreeMap<>();
    /** The drifts each Automatic resource was provisioned for: every value of lastHandledDriftAt it showed. */
    private final Map<String, Set<String>> driftsHandled = new ConcurrentHashMap<>();
    private final SharedIndexInformer<PermissionSetProvisioning> driftWatch;

    private OperatorProcess operator;
    private long operatorStartedAt;
    private long readyAt = -1;
    private long lastProbe;
    private long killAt = Long.MAX_VALUE;
    private boolean killOnAccept;
    private SecretPhase secretPhase = SecretPhase.PRESENT;
    private long secretDeletedAt;

    private enum SecretPhase {
      PRESENT, DELETED, RESTORED
    }

    Run(Random random) {
      this.random = random;
      this.expected = resources(random);
      expected.forEach((name, e) -> {
        switch (e.again()) {
          case DRIFT -> plannedTouches.computeIfAbsent(e.side().setKey(e.permissionSet()),
              key -> new PlannedTouch(e.side(), e.permissionSet())).members.add(name);
          case ANNOTATION, ANNOTATION_REPEATED -> annotations.put(name, new Annotations(name,
              e.again() == Again.ANNOTATION_REPEATED));
          case NONE -> {
          }
        }
      });
      this.driftWatch = client.resources(PermissionSetProvisioning.class).inNamespace(NAMESPACE)
          .inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(PermissionSetProvisioning resource) {
              noteDriftHandled(resource);
            }

            @Override
            public void onUpdate(PermissionSetProvisioning before, PermissionSetProvisioning after) {
              noteDriftHandled(after);
            }

            @Override
            public void onDelete(PermissionSetProvisioning resource, boolean finalStateUnknown) {
              // Automatic resources are never deleted
            }
          });
    }

    private void noteDriftHandled(PermissionSetProvisioning resource) {
      Expected e = expected.get(resource.getMetadata().getName());
      String handled = resource.getStatus() == null ? null : resource.getStatus().getLastHandledDriftAt();
      if (e != null && e.again() == Again.DRIFT && handled != null) {
        driftsHandled.computeIfAbsent(resource.getMetadata().getName(), name -> ConcurrentHashMap.newKeySet())
            .add(handled);
      }
    }

    void converge() throws IOException {
      for (Side side : Side.values()) {
        connect(side);
      }
      startOperator();
      expected.forEach((name, e) -> {
        create(name, e.spec(), e.provisionKey());
        if (e.churn() != Churn.NONE) {
          churnByKey.put(e.provisionKey(), name);
        }
      });
      long deadline = started + CONVERGENCE_LIMIT.toNanos();
      long nextList = 0;
      while (System.nanoTime() < deadline) {
        long now = System.nanoTime();
        followOperator(now);
        newlyAccepted().forEach(this::accepted);
        touchAgainWhenDue(now);
        if (now >= nextList) {
          nextList = now + LIST_INTERVAL.toNanos();
          if (observe(list(), now)) {
            return;
          }
        }
        LockSupport.parkNanos(TICK.toNanos());
      }
    }

    /**
     * The cloud's connections: its ClusterIdentityCenterConnection unless it is the default one, and the
     * IdentityCenterConnection of the namespace with its credentials Secret.
     */
    private void connect(Side side) {
      URI endpoint = simulators.get(side).endpoint();
      TestConnections.secret(client, NAMESPACE, side.credentialsSecret, side.credentials);
      IdentityCenterConnectionSpec spec = new IdentityCenterConnectionSpec();
      if (side == Side.AWS) {
        TestConnections.awsFor(client, side.clusterConnection, endpoint, AwsDemoWorld.REGION, side.credentials,
            List.of(NAMESPACE));
        spec.setAws(TestConnections.aws(endpoint, AwsDemoWorld.REGION, side.credentialsSecret));
      } else {
        spec.setHuaweiCloud(TestConnections.huaweiCloud(endpoint, side.credentialsSecret, side.credentials));
      }
      IdentityCenterConnection team = new IdentityCenterConnection();
      team.setMetadata(new ObjectMetaBuilder().withName(side.teamConnection).withNamespace(NAMESPACE).build());
      team.setSpec(spec);
      client.resource(team).createOr(NonDeletingOperation::update);
    }

    /** Reads the resources' progress and moves the connections' Secrets' phase on; true once the run is over. */
    private boolean observe(Map<String, PermissionSetProvisioning> current, long now) {
      plannedTouches.values().stream().filter(plan -> plan.firstAt < 0)
          .filter(plan -> plan.members.stream().allMatch(name -> atRestUpToDate(current.get(name))))
          .forEach(plan -> touchFirst(plan, now));
      annotations.values().forEach(plan -> plan.nextIfHandled(current.get(plan.name)));
      long settled = expected.keySet().stream().filter(name -> settled(current.get(name))).count();
      double progress = (double) settled / expected.size();
      Duration elapsed = Duration.ofNanos(now - started);
      if (progress >= 0.5) {
        tally.milestones.putIfAbsent("half settled", elapsed);
      }
      if (progress >= 0.9) {
        tally.milestones.putIfAbsent("90% settled", elapsed);
      }
      if (settled == expected.size()) {
        tally.milestones.putIfAbsent("all settled", elapsed);
      }
      switch (secretPhase) {
        case PRESENT -> {
          boolean usersReady = expected.entrySet().stream()
              .filter(e -> e.getValue().spec().getConnectionRef() != null
                  && e.getValue().spec().getConnectionRef().getKind() == Kind.IdentityCenterConnection)
              .allMatch(e -> settled(current.get(e.getKey())) && isTrue(current.get(e.getKey()).getStatus(),
                  "Ready"));
          if (usersReady) {
            for (Side side : Side.values()) {
              client.secrets().inNamespace(NAMESPACE).withName(side.credentialsSecret).delete();
            }
            secretDeletedAt = now;
            secretPhase = SecretPhase.DELETED;
          }
        }
        case DELETED -> {
          long seenMissingSince = Math.max(secretDeletedAt, readyAt);
          if (readyAt >= 0 && now - seenMissingSince >= SECRET_ABSENCE.toNanos()) {
            for (Side side : Side.values()) {
              TestConnections.secret(client, NAMESPACE, side.credentialsSecret, side.credentials);
            }
            tally.secretAbsent = Duration.ofNanos(now - secretDeletedAt);
            secretPhase = SecretPhase.RESTORED;
          }
        }
        case RESTORED -> {
          return settled == expected.size() && churnByKey.isEmpty() && repairedAndAnswered(current);
        }
      }
      return false;
    }

    /** Starts, probes and kills the operator's processes as the plan for each says. */
    private void followOperator(long now) {
      if (readyAt < 0) {
        if (now - lastProbe >= READY_PROBE_INTERVAL.toNanos()) {
          lastProbe = now;
          if (operator.isReady()) {
            readyAt = now;
            planKill(now);
          } else if (now - operatorStartedAt >= OPERATOR_START_LIMIT.toNanos()) {
            throw new IllegalStateException("operator process " + processes.size() + " was not ready within "
                + OPERATOR_START_LIMIT.toSeconds() + " s; see " + operator.log().toAbsolutePath() + ":\n"
                + operator.tail());
          }
        }
      } else if (!operator.isAlive()) {
        throw new IllegalStateException("operator process " + processes.size() + " exited on its own; see "
            + operator.log().toAbsolutePath() + ":\n" + operator.tail());
      } else if (now >= killAt) {
        killAndReplace("at a random moment");
      }
    }

    private void planKill(long now) {
      if (tally.kills >= KILLS) {
        return;
      }
      killOnAccept = random.nextBoolean();
      long life = killOnAccept ? KILL_AFTER_ACCEPT_LIMIT.toNanos()
          : (long) (random.nextDouble() * LONGEST_RANDOM_LIFE.toNanos());
      killAt = now + life;
    }

    private void killAndReplace(String when) {
      operator.kill();
      touchAtRandom();
      tally.kills++;
      tally.killTimes.add(secondsSinceStart() + " s");
      try {
        Files.writeString(operator.log(), "==== killed with SIGKILL by the chaos test at " + secondsSinceStart()
            + " s, " + when + System.lineSeparator(), StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot mark the kill in " + operator.log(), e);
      }
      killAt = Long.MAX_VALUE;
      killOnAccept = false;
      try {
        startOperator();
      } catch (IOException e) {
        throw new IllegalStateException("cannot start operator process " + (processes.size() + 1), e);
      }
    }

    private void startOperator() throws IOException {
      operator = OperatorProcess.start(LOGS.resolve("operator-" + (processes.size() + 1) + ".log"),
          kubernetes.client(), new OperatorProcess.Cloud(simulators.get(Side.HUAWEI).endpoint(),
              DemoWorld.ACCESS_KEY, DemoWorld.SECRET_KEY, DemoWorld.DOMAIN_ID),
          Map.of(
              // the simulator's gateway throttles at random, not by rate: the operator's own limit only slows it
              OperatorConfig.CLOUD_RATE_LIMIT, "100",
              OperatorConfig.POLL_INITIAL_INTERVAL, "100ms",
              OperatorConfig.POLL_MAX_INTERVAL, "500ms",
              OperatorConfig.RETRY_INITIAL_INTERVAL, "100ms",
              OperatorConfig.RETRY_MAX_INTERVAL, "500ms",
              OperatorConfig.CLOUD_LIST_LAG, OPERATOR_LIST_LAG,
              OperatorConfig.DRIFT_CHECK_INTERVAL, DRIFT_CHECK_INTERVAL));
      processes.add(operator);
      operatorStartedAt = System.nanoTime();
      readyAt = -1;
    }

    void stopOperator() {
      operator.close();
      driftWatch.close();
    }

    /** A set of each cloud, whatever its resources do: the moment of a kill is as good as any. */
    private void touchAtRandom() {
      for (Side side : Side.values()) {
        touch(side, random.nextInt(PERMISSION_SETS));
        tally.touchesAtKills++;
      }
    }

    private void touchFirst(PlannedTouch plan, long now) {
      touch(plan.side, plan.set);
      tally.plannedTouches++;
      plan.firstAt = now;
      plan.againAt = random.nextBoolean() ? now + (long) (random.nextDouble() * SECOND_TOUCH_LIMIT.toNanos())
          : Long.MAX_VALUE;
    }

    private void touchAgainWhenDue(long now) {
      plannedTouches.values().stream().filter(plan -> now >= plan.againAt).forEach(plan -> {
        plan.againAt = Long.MAX_VALUE;
        touch(plan.side, plan.set);
        tally.touchesSoonAfter++;
      });
    }

    private void touch(Side side, int set) {
      simulators.get(side).touchPermissionSet(side.instance, side.permissionSet(set));
      touches.computeIfAbsent(side.setKey(set), key -> new ArrayList<>()).add(Instant.now());
    }

    /**
     * Every set planned is touched and its Automatic resources checked up to date since the last touch; every
     * annotated resource answered its last value.
     */
    private boolean repairedAndAnswered(Map<String, PermissionSetProvisioning> current) {
      boolean touched = plannedTouches.values().stream().allMatch(plan -> plan.firstAt >= 0
          && plan.againAt == Long.MAX_VALUE);
      return touched && expected.entrySet().stream().filter(e -> e.getValue().again() == Again.DRIFT)
          .allMatch(e -> checkedSinceLastTouch(e.getValue(), current.get(e.getKey())))
          && annotations.values().stream().allMatch(plan -> plan.answered(current.get(plan.name)));
    }

    /** Up to date, as a check found that began after the last touch of its set. */
    private boolean checkedSinceLastTouch(Expected e, PermissionSetProvisioning resource) {
      if (!atRestUpToDate(resource)) {
        return false;
      }
      List<Instant> ofSet = touches.getOrDefault(e.side().setKey(e.permissionSet()), List.of());
      // lastDriftCheck keeps whole seconds, no later than the check began
      return ofSet.isEmpty() || Instant.parse(resource.getStatus().getLastDriftCheck())
          .isAfter(ofSet.get(ofSet.size() - 1));
    }

    private List<String> newlyAccepted() {
      return simulators.values().stream().flatMap(simulator -> simulator.counts().acceptedProvisions().keySet()
          .stream()).filter(acceptedKeys::add).toList();
    }

    /** The simulator accepted the first provision of {@code key}: the moment for a kill and for the churn. */
    private void accepted(String key) {
      if (killOnAccept && readyAt >= 0) {
        tally.killsAfterAccept++;
        killAndReplace("right after the simulator accepted " + key);
      }
      Optional.ofNullable(churnByKey.remove(key)).ifPresent(this::churn);
    }

    private void churn(String name) {
      Expected before = expected.get(name);
      Side side = before.side();
      int set = before.permissionSet();
      int account = Integer.parseInt(name.substring(name.length() - 2));
      boolean byName = before.spec().getPermissionSetName() != null;
      switch (before.churn()) {
        case TARGET_CHANGE -> {
          // the first move in a permission set without failing resources goes to a failing account
          boolean toFailing = set >= 4 && setsMovedToFailing.add(side.setKey(set));
          String target = toFailing ? side.failingAccount(set % FAILURE_REASONS.size())
              : side.healthyAccount(AccountBlock.TARGET_CHANGE, account);
          PermissionSetProvisioningSpec moved = spec(side, set, byName, target);
          expected.put(name, toFailing
              ? failed(side, set, moved, FAILURE_REASONS.get(set % FAILURE_REASONS.size()))
              : provisioned(side, set, moved, Churn.NONE));
          patchSpec(name, "{\"spec\":{\"targetId\":\"" + target + "\"}}", expected.get(name).provisionKey());
          tally.targetChanges++;
        }
        case PERMISSION_SET_CHANGE -> {
          int to = (set + PERMISSION_SET_SHIFT) % PERMISSION_SETS;
          String target = side.healthyAccount(AccountBlock.PERMISSION_SET_CHANGE, account);
          PermissionSetProvisioningSpec moved = spec(side, to, byName, target);
          expected.put(name, provisioned(side, to, moved, Churn.NONE));
          String reference = byName ? "\"permissionSetName\":\"" + permissionSetName(to) + "\""
              : "\"permissionSetId\":\"" + side.permissionSet(to) + "\"";
          patchSpec(name, "{\"spec\":{" + reference + ",\"targetId\":\"" + target + "\"}}",
              expected.get(name).provisionKey());
          tally.permissionSetChanges++;
        }
        case RECREATE -> {
          // Another account, and once the request just accepted had time to finish: the two cases the README's
          // "What deleting a resource does" names, which a restart at the wrong moment cannot tell apart, stay out
          PermissionSetProvisioningSpec spec = spec(side, set, byName,
              side.healthyAccount(AccountBlock.RECREATED, account));
          expected.put(name, provisioned(side, set, spec, Churn.NONE));
          PermissionSetProvisioning deleted = resource(name).get();
          resource(name).delete();
          Pause.sleep(RECREATE_AFTER);
          create(name, spec, expected.get(name).provisionKey());
          countIfUnrecorded(deleted, 1);
          tally.recreations++;
        }
        case NONE -> throw new IllegalStateException(name + " has no churn");
      }
      int to = expected.get(name).permissionSet();
      String what = name + " " + before.churn().name().toLowerCase(Locale.ROOT).replace('_', ' ')
          + (to == set ? "" : " to set " + to) + " at " + secondsSinceStart() + " s";
      Stream.of(set, to).distinct().forEach(s -> churnBySet.computeIfAbsent(side.setKey(s), k -> new ArrayList<>())
          .add(what));
    }

    private String secondsSinceStart() {
      return String.format("%.1f", (System.nanoTime() - started) / 1e9);
    }

    private void patchSpec(String name, String mergePatch, String provisionKey) {
      // a merge patch of the spec alone, as kubectl patch sends it: no resourceVersion, so it always applies
      PermissionSetProvisioning patched = resource(name).patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
      generations.add(new Generation(name, patched.getMetadata().getUid(), patched.getMetadata().getGeneration(),
          provisionKey));
      countIfUnrecorded(patched, patched.getMetadata().getGeneration() - 1);
    }

    /** The values of the annotation one resource gets, each once the one before was handled. */
    private final class Annotations {
      final String name;
      /** In the order applied: a repeated value right after its first. */
      private final List<String> steps = new ArrayList<>();
      private int applied;

      Annotations(String name, boolean repeated) {
        this.name = name;
        for (int i = 1; i <= TOKENS_PER_RESOURCE; i++) {
          steps.add("chaos-" + i);
          if (repeated && i == 1) {
            steps.add("chaos-" + i);
          }
        }
      }

      /** The distinct values: each must have made one provision. */
      long tokens() {
        return steps.stream().distinct().count();
      }

      String last() {
        return steps.get(steps.size() - 1);
      }

      void nextIfHandled(PermissionSetProvisioning resource) {
        if (applied == steps.size() || !settled(resource)
            || applied > 0 && !steps.get(applied - 1).equals(resource.getStatus().getLastHandledReprovisionAt())) {
          return;
        }
        String token = steps.get(applied);
        boolean repeated = applied > 0 && steps.get(applied - 1).equals(token);
        // another annotation changes with it, so that even a repeated value is an update the operator is told of
        resource(name).patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\""
            + PermissionSetProvisioning.REPROVISION_REQUESTED_AT + "\":\"" + token
            + "\",\"chaos.operators.dev/step\":\"" + applied + "\"}}}");
        applied++;
        if (repeated) {
          tally.annotationsRepeated++;
        } else {
          tally.annotationsApplied++;
        }
      }

      boolean answered(PermissionSetProvisioning resource) {
        return applied == steps.size() && settled(resource)
            && last().equals(resource.getStatus().getLastHandledReprovisionAt());
      }
    }

    /** Counts churn that came before the operator recorded the accepted request of {@code generation}. */
    private void countIfUnrecorded(PermissionSetProvisioning resource, long generation) {
      PermissionSetProvisioningStatus status = resource == null ? null : resource.getStatus();
      if (status == null || status.getRequestId() == null
          || !Long.valueOf(generation).equals(status.getRequestGeneration())) {
        tally.churnBeforeRecorded++;
      }
    }

    private void create(String name, PermissionSetProvisioningSpec spec, String provisionKey) {
      PermissionSetProvisioning resource = new PermissionSetProvisioning();
      resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
      resource.setSpec(spec);
      PermissionSetProvisioning created = client.resource(resource).create();
      if (provisionKey != null) {
        generations.add(new Generation(name, created.getMetadata().getUid(), created.getMetadata().getGeneration(),
            provisionKey));
      }
    }

    private Resource<PermissionSetProvisioning> resource(String name) {
      return client.resources(PermissionSetProvisioning.class).inNamespace(NAMESPACE).withName(name);
    }

    private Map<String, PermissionSetProvisioning> list() {
      return client.resources(PermissionSetProvisioning.class).inNamespace(NAMESPACE).list().getItems().stream()
          .collect(Collectors.toMap(r -> r.getMetadata().getName(), Function.identity()));
    }

    void check(long seed) {
      Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
      Map<Side, RequestCounters.Snapshot> counts = new EnumMap<>(Side.class);
      simulators.forEach((side, simulator) -> counts.put(side, simulator.counts()));
      Map<String, PermissionSetProvisioning> current = list();
      printFigures(seed, counts, elapsed);
      SoftAssertions invariants = new SoftAssertions();

      List<String> withoutConditions = expected.keySet().stream()
          .filter(name -> current.get(name) != null && !hasConditions(current.get(name))).toList();
      invariants.assertThat(withoutConditions).as("resources without conditions").isEmpty();

      List<String> problems = new ArrayList<>();
      expected.forEach((name, e) -> problems.addAll(problems(name, e, current.get(name))));
      invariants.assertThat(problems).as("resources that did not end right within %s (%d of %d)",
          CONVERGENCE_LIMIT, problems.stream().map(p -> p.substring(0, p.indexOf(':'))).distinct().count(),
          expected.size()).isEmpty();

      invariants.assertThat(provisionedAgainProblems(current)).as("resources provisioned again without a spec "
          + "change").isEmpty();
      counts.forEach((side, sideCounts) -> checkCloud(invariants, side, sideCounts));
      invariants.assertThat(tally.kills).as("operator processes killed").isEqualTo(KILLS);
      invariants.assertThat(tally.killsAfterAccept).as("kills right after an accepted provision").isPositive();
      invariants.assertThat(tally.targetChanges + tally.permissionSetChanges + tally.recreations)
          .as("resources churned right after their provision was accepted")
          .isEqualTo(Side.values().length * (TARGET_CHANGES + PERMISSION_SET_CHANGES + RECREATIONS));
      invariants.assertThat(tally.plannedTouches).as("sets touched when their Automatic resources were up to date")
          .isEqualTo(plannedTouches.size());
      invariants.assertThat(secretPhase).as("the connections' credentials Secrets deleted and restored")
          .isEqualTo(SecretPhase.RESTORED);
      invariants.assertAll();
    }

    /**
     * Each Automatic resource was provisioned again for at least the drift its set's planned touch made, and for no
     * more drifts than its set was touched (a touch while a provisioning is on its way leaves the account out of date:
     * a drift of its own); it ends up to date. Each annotated resource recorded its last value as handled.
     */
    private List<String> provisionedAgainProblems(Map<String, PermissionSetProvisioning> current) {
      List<String> problems = new ArrayList<>();
      expected.forEach((name, e) -> {
        PermissionSetProvisioning resource = current.get(name);
        if (e.again() == Again.DRIFT) {
          int drifts = driftsHandled.getOrDefault(name, Set.of()).size();
          int touchesOfSet = touches.getOrDefault(e.side().setKey(e.permissionSet()), List.of()).size();
          if (drifts < 1 || drifts > touchesOfSet) {
            problems.add(name + ": provisioned again for " + drifts + " drifts " + driftsHandled.get(name)
                + ", its set touched " + touchesOfSet + " times, once when it was up to date");
          }
          if (resource == null || resource.getStatus() == null || !isTrue(resource.getStatus(), "UpToDate")) {
            problems.add(name + ": ended with UpToDate " + (resource == null || resource.getStatus() == null
                ? "missing" : describe(resource.getStatus().condition("UpToDate"))));
          }
        }
        Annotations plan = annotations.get(name);
        if (plan != null && (resource == null || resource.getStatus() == null
            || !plan.last().equals(resource.getStatus().getLastHandledReprovisionAt()))) {
          problems.add(name + ": lastHandledReprovisionAt " + (resource == null || resource.getStatus() == null
              ? null : resource.getStatus().getLastHandledReprovisionAt()) + ", expected " + plan.last());
        }
      });
      return problems;
    }

    /** Provisions of the key without a spec change: one per value of the annotation, one per drift handled. */
    private long provisionsAgain(String provisionKey) {
      return expected.entrySet().stream().filter(e -> provisionKey.equals(e.getValue().provisionKey()))
          .mapToLong(e -> switch (e.getValue().again()) {
            case DRIFT -> driftsHandled.getOrDefault(e.getKey(), Set.of()).size();
            case ANNOTATION, ANNOTATION_REPEATED -> annotations.get(e.getKey()).tokens();
            case NONE -> 0;
          }).sum();
    }

    /**
     * The cloud's simulator accepted one provision per generation, per value of the annotation and per drift handled,
     * one at a time per set, and made every fault.
     */
    private void checkCloud(SoftAssertions invariants, Side side, RequestCounters.Snapshot counts) {
      Map<String, List<Generation>> owners = generations.stream().filter(g -> side.owns(g.provisionKey()))
          .collect(Collectors.groupingBy(Generation::provisionKey, TreeMap::new, Collectors.toList()));
      List<String> provisionProblems = new ArrayList<>();
      owners.forEach((key, generationsOfKey) -> {
        long accepted = counts.acceptedProvisions().getOrDefault(key, 0L);
        long again = provisionsAgain(key);
        if (accepted != generationsOfKey.size() + again) {
          provisionProblems.add(key + ": the simulator accepted " + accepted + " provisions for "
              + generationsOfKey + ", expected exactly one each" + (again == 0 ? ""
              : " and " + again + " more for values of the annotation and drifts"));
        }
      });
      counts.acceptedProvisions().keySet().stream().filter(key -> !owners.containsKey(key))
          .forEach(key -> provisionProblems.add(key + ": provisioned although no resource asks for it"));
      invariants.assertThat(provisionProblems).as("%s: provisions accepted per resource generation", side.label)
          .isEmpty();

      List<String> concurrency = counts.maxInFlight().entrySet().stream().filter(e -> e.getValue() > 1)
          .map(e -> e.getKey() + ": " + e.getValue() + " provisions in progress at once; churn in this set: "
              + churnBySet.getOrDefault(e.getKey(), List.of()))
          .sorted().toList();
      invariants.assertThat(concurrency).as("%s: permission sets with more than one provisioning request in flight",
          side.label).isEmpty();

      // the run itself did what it must, or the invariants above prove little
      invariants.assertThat(faults(counts, "5")).as("%s: 5xx injected", side.label).isPositive();
      invariants.assertThat(counts.throttled()).as("%s: throttling injected", side.label).isPositive();
      invariants.assertThat(faults(counts, RequestCounters.DROPPED)).as("%s: connections dropped", side.label)
          .isPositive();
      invariants.assertThat(counts.count(IdentityCenterSimulator.PROVISION, RequestCounters.DROPPED_AFTER_ACCEPTING))
          .as("%s: answers of accepted provisions dropped", side.label).isPositive();
    }

    private void printFigures(long seed, Map<Side, RequestCounters.Snapshot> counts, Duration elapsed) {
      List<String> lines = new ArrayList<>(List.of(
          "==================== chaos test ====================",
          String.format("seed                          %d (-Dchaos.seed=%d replays its choices)", seed, seed),
          String.format("clouds                        %s, each %d requests of history, offset paging, lists lag "
              + "%d ms", counts.keySet().stream().map(side -> side.label).collect(Collectors.joining(" and ")),
              HISTORY, LIST_LAG.toMillis()),
          String.format("resources                     %6d in %d permission sets per cloud, %d generations to "
              + "provision", expected.size(), PERMISSION_SETS, generations.size()),
          String.format("operator processes killed     %6d with SIGKILL (%d right after an accepted provision), at %s",
              tally.kills, tally.killsAfterAccept, String.join(", ", tally.killTimes)),
          String.format("churn after an accept         %6d (%d account moves, %d permission set moves, %d "
                  + "re-created; %d before the operator recorded the request)",
              tally.targetChanges + tally.permissionSetChanges + tally.recreations, tally.targetChanges,
              tally.permissionSetChanges, tally.recreations, tally.churnBeforeRecorded),
          String.format("credentials Secrets missing   %6.1f s (phase %s)", tally.secretAbsent.toMillis() / 1000.0,
              secretPhase),
          String.format("permission sets touched       %6d (%d once up to date, %d soon after, %d at kills)",
              touches.values().stream().mapToInt(List::size).sum(), tally.plannedTouches, tally.touchesSoonAfter,
              tally.touchesAtKills),
          String.format("provisioned again             %6d for drifts of %d Automatic resources, %d for new values "
                  + "of the annotation (%d values applied twice)",
              driftsHandled.values().stream().mapToInt(Set::size).sum(), expected.values().stream()
                  .filter(e -> e.again() == Again.DRIFT).count(), tally.annotationsApplied,
              tally.annotationsRepeated),
          String.format("stale writes refused (409)    %6d by the Kubernetes API", kubernetes.conflicts())));
      counts.forEach((side, sideCounts) -> lines.addAll(cloudFigures(side, sideCounts)));
      lines.add(String.format("time to converge              %6.1f s (%s)", elapsed.toMillis() / 1000.0,
          tally.milestones.entrySet().stream().map(e -> String.format("%s at %.1f s", e.getKey(),
              e.getValue().toMillis() / 1000.0)).collect(Collectors.joining(", "))));
      lines.add(String.format("operator logs                 %s", LOGS.toAbsolutePath()));
      lines.add("====================================================");
      System.out.println(String.join(System.lineSeparator(), lines));
    }

    private List<String> cloudFigures(Side side, RequestCounters.Snapshot counts) {
      long dropped = faults(counts, RequestCounters.DROPPED)
          - counts.count(IdentityCenterSimulator.PROVISION, RequestCounters.DROPPED_AFTER_ACCEPTING);
      long keysOverProvisioned = generations.stream().filter(g -> side.owns(g.provisionKey()))
          .collect(Collectors.groupingBy(Generation::provisionKey, Collectors.counting())).entrySet().stream()
          .filter(e -> counts.acceptedProvisions().getOrDefault(e.getKey(), 0L) > e.getValue()).count();
      String cloud = String.format("%-7s", side.label);
      return List.of(
          String.format("%s calls to the simulator %6d %s", cloud, counts.totalCalls(), counts.calls().entrySet()
              .stream().map(e -> e.getKey() + " " + e.getValue().values().stream().mapToLong(Long::longValue).sum())
              .collect(Collectors.joining(", ", "(", ")"))),
          String.format("%s faults: 5xx            %6d (500: %d, 502: %d, 503: %d)", cloud, faults(counts, "5"),
              faults(counts, "500"), faults(counts, "502"), faults(counts, "503")),
          String.format("%s faults: throttled      %6d", cloud, counts.throttled()),
          String.format("%s faults: dropped before %6d", cloud, dropped),
          String.format("%s faults: dropped after  %6d (accepted provisions whose answer was lost)", cloud,
              counts.count(IdentityCenterSimulator.PROVISION, RequestCounters.DROPPED_AFTER_ACCEPTING)),
          String.format("%s faults: 409            %6d", cloud, faults(counts, "409")),
          String.format("%s provision calls        %6d (accepted %d, for %d keys; %d keys over-provisioned)", cloud,
              counts.total(IdentityCenterSimulator.PROVISION), counts.totalAcceptedProvisions(),
              counts.acceptedProvisions().size(), keysOverProvisioned),
          String.format("%s max in flight per set  %6d (%d sets above 1)", cloud,
              counts.maxInFlight().values().stream().mapToLong(Long::longValue).max().orElse(0),
              counts.maxInFlight().values().stream().filter(v -> v > 1).count()));
    }
  }

  private static boolean settled(PermissionSetProvisioning resource) {
    if (resource == null || resource.getStatus() == null
        || !resource.getMetadata().getGeneration().equals(resource.getStatus().getObservedGeneration())) {
      return false;
    }
    return isTrue(resource.getStatus(), "Ready") || isTrue(resource.getStatus(), "Stalled");
  }

  /** Provisioned for its generation, nothing on its way, and found up to date by the last check. */
  private static boolean atRestUpToDate(PermissionSetProvisioning resource) {
    return settled(resource) && isTrue(resource.getStatus(), "Ready") && isTrue(resource.getStatus(), "UpToDate")
        && resource.getStatus().getPendingProvision() == null && resource.getStatus().getLastDriftCheck() != null;
  }

  private static boolean hasConditions(PermissionSetProvisioning resource) {
    return resource.getStatus() != null && resource.getStatus().getConditions() != null
        && !resource.getStatus().getConditions().isEmpty();
  }

  private static boolean isTrue(PermissionSetProvisioningStatus status, String type) {
    return status.condition(type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  private static List<String> problems(String name, Expected expected, PermissionSetProvisioning resource) {
    if (resource == null) {
      return List.of(name + ": the resource is gone");
    }
    PermissionSetProvisioningStatus status = resource.getStatus();
    if (!hasConditions(resource)) {
      return List.of(name + ": no conditions at all (generation " + resource.getMetadata().getGeneration() + ")");
    }
    List<String> problems = new ArrayList<>();
    String state = "Ready=" + describe(status.condition("Ready")) + ", Reconciling="
        + describe(status.condition("Reconciling")) + ", Stalled=" + describe(status.condition("Stalled"))
        + ", observedGeneration " + status.getObservedGeneration() + " of " + resource.getMetadata().getGeneration();
    for (String type : List.of("Ready", "Reconciling", "Stalled")) {
      if (status.condition(type).isEmpty()) {
        problems.add(name + ": has no " + type + " condition (" + state + ")");
      }
    }
    long trueConditions = status.getConditions().stream()
        .filter(c -> List.of("Ready", "Reconciling", "Stalled").contains(c.getType()))
        .filter(c -> "True".equals(c.getStatus())).count();
    if (trueConditions != 1) {
      problems.add(name + ": " + trueConditions + " of Ready, Reconciling and Stalled are True (" + state + ")");
    }
    if (!settled(resource)) {
      problems.add(name + ": not settled, expected " + expected.reason() + " (" + state + ")");
      return problems;
    }
    String reason = status.condition("Ready").map(Condition::getReason).orElse(null);
    if (!expected.reason().equals(reason)) {
      problems.add(name + ": ended as " + reason + ", expected " + expected.reason() + " (" + state + ")");
    }
    boolean mustBeReady = PROVISIONED.equals(expected.reason());
    if (isTrue(status, "Ready") != mustBeReady || isTrue(status, "Stalled") == mustBeReady) {
      problems.add(name + ": expected " + (mustBeReady ? "Ready" : "Stalled") + " (" + state + ")");
    }
    if (expected.failureReason() != null && !expected.failureReason().equals(status.getFailureReason())) {
      problems.add(name + ": failureReason '" + status.getFailureReason() + "', expected '"
          + expected.failureReason() + "'");
    }
    if (expected.failureReason() == null && status.getFailureReason() != null) {
      problems.add(name + ": unexpected failureReason '" + status.getFailureReason() + "'");
    }
    if (expected.provisionKey() != null) {
      if (status.getRequestId() == null || !Long.valueOf(resource.getMetadata().getGeneration())
          .equals(status.getRequestGeneration())) {
        problems.add(name + ": requestId " + status.getRequestId() + " is for generation "
            + status.getRequestGeneration() + ", not " + resource.getMetadata().getGeneration());
      }
      String expectedStatus = PROVISIONED.equals(expected.reason()) ? "SUCCEEDED" : "FAILED";
      if (!expectedStatus.equals(status.getProvisioningStatus())) {
        problems.add(name + ": provisioningStatus " + status.getProvisioningStatus() + ", expected "
            + expectedStatus);
      }
      String permissionSet = expected.side().permissionSet(expected.permissionSet());
      if (!permissionSet.equals(status.getPermissionSetId())) {
        problems.add(name + ": permissionSetId " + status.getPermissionSetId() + ", expected " + permissionSet);
      }
      if (!Objects.equals(expected.spec().getTargetId(), status.getAccountId())) {
        problems.add(name + ": accountId " + status.getAccountId() + ", expected " + expected.spec().getTargetId());
      }
    }
    return problems;
  }

  private static String describe(Optional<Condition> condition) {
    return condition.map(c -> c.getStatus() + "/" + c.getReason()).orElse("missing");
  }

  /** Calls of every operation whose outcome starts with {@code prefix}: "5" for 5xx, "429", "dropped". */
  private static long faults(RequestCounters.Snapshot counts, String prefix) {
    return counts.calls().values().stream().flatMap(outcomes -> outcomes.entrySet().stream())
        .filter(e -> e.getKey().startsWith(prefix)).mapToLong(Map.Entry::getValue).sum();
  }
}
