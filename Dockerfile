# The operator's image: docker build -t ghcr.io/operators-dev/permission-set-operator:0.1.0 .
# (without a Docker daemon: mvn -Pjib package builds the same image; see RELEASING.md)
#
# Both base images are pinned by the digest of their multi-arch index, so a build today and one next month use the
# same bytes; the tag only says what the digest was taken from. To refresh them (for a JDK security update, say),
# resolve each tag again and replace the digest here and in the pom's jib profile (jib.from.image):
#   crane digest maven:3.9-eclipse-temurin-17      (or: docker buildx imagetools inspect maven:3.9-eclipse-temurin-17)
#   crane digest eclipse-temurin:17-jre
# then build and run the tests.
FROM maven:3.9-eclipse-temurin-17@sha256:a8746f15d5bb26b5b8bacb056cc76211553850f4c71d16aff845cfa004cbc197 AS build
WORKDIR /src
COPY pom.xml .
# The dependency layer: the very build below, run once on the pom alone, fetches every plugin, every plugin's
# dependencies and every dependency that build uses (dependency:go-offline misses some, such as parent POMs that
# plugins resolve late). It is rebuilt only when the pom changes.
RUN mvn -B -q -Dmaven.test.skip=true package && rm -rf target
COPY src/main src/main
# Offline: whatever the layer above missed fails the build here instead of being fetched unpinned.
# -Dmaven.test.skip=true skips compiling the tests too (-DskipTests only skips running them).
RUN mvn -B -q -o -Dmaven.test.skip=true package

# Runtime: a JRE only, no build tools, a numeric non-root user (runAsNonRoot can verify it)
FROM eclipse-temurin:17-jre@sha256:1824944ef1bd572d1ff0952afeb2fec7931d77c972c4fbc4dfcdf89f758fb490
WORKDIR /app
COPY --from=build /src/target/lib/ /app/lib/
COPY --from=build /src/target/permission-set-operator.jar /app/permission-set-operator.jar
USER 10001:10001
EXPOSE 8080
# The heap takes half the container's memory limit, the rest is for metaspace, threads and buffers; an
# OutOfMemoryError ends the JVM so that Kubernetes restarts it. Further JVM options go in JAVA_OPTS, which this
# launcher expands. Not JAVA_TOOL_OPTIONS or JDK_JAVA_OPTIONS: the JVM announces those with a "Picked up ..." line
# on stderr, which is not JSON and breaks LOG_FORMAT=json in a log pipeline.
ENV JAVA_OPTS=""
ENTRYPOINT ["/bin/sh", "-c", "exec java -XX:MaxRAMPercentage=50 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError $JAVA_OPTS -jar /app/permission-set-operator.jar \"$@\"", "permission-set-operator"]
