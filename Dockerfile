# Build: docker build -t permission-set-operator .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q -DskipTests package

# Runtime: a JRE only, no build tools, a numeric non-root user (runAsNonRoot can verify it)
FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/target/lib/ /app/lib/
COPY --from=build /src/target/permission-set-operator.jar /app/permission-set-operator.jar
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/permission-set-operator.jar"]
