# syntax=docker/dockerfile:1
# rlproxy container image: build with the Maven wrapper, run on a slim JRE as a non-root user.
#
#   docker build -t rlproxy .
#   docker run --rm -p 8080:8080 -p 9090:9090 -v "$PWD/config/compose.yaml:/etc/rlproxy/config.yaml:ro" \
#     -e RLPROXY_ADMIN_TOKEN=change-me rlproxy
#
# The configuration is read from /etc/rlproxy/config.yaml (mount yours there); RLPROXY_* variables
# and `--set key=value` arguments override single keys (README, "Deploying").

FROM eclipse-temurin:17-jdk-jammy AS build
WORKDIR /src
# The wrapper and the POMs first, so a source-only change reuses the cached Maven download.
COPY mvnw ./
COPY .mvn/ .mvn/
COPY pom.xml ./
COPY proxy-core/ proxy-core/
COPY proxy-server/ proxy-server/
# -DskipTests still compiles the tests: proxy-server's build needs proxy-core's test-jar.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q package -DskipTests \
    && cp proxy-server/target/proxy.jar /src/proxy.jar

FROM eclipse-temurin:17-jre-jammy
# curl answers the HEALTHCHECK in milliseconds; a second JVM per probe would take a second of CPU
# and tens of MiB in a memory-limited container.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 rlproxy \
    && useradd --system --uid 10001 --gid rlproxy --no-create-home --shell /usr/sbin/nologin rlproxy \
    && mkdir -p /etc/rlproxy /opt/rlproxy
COPY --from=build /src/proxy.jar /opt/rlproxy/proxy.jar
COPY LICENSE /opt/rlproxy/LICENSE

# Heap at half the container's memory limit: Netty's direct buffers may take as much again by
# default, and metaspace and thread stacks need the rest. Container limits are honoured by default
# on JDK 17 (UseContainerSupport); an out-of-memory error ends the process so the engine restarts it.
ENV JAVA_TOOL_OPTIONS="-XX:+UseContainerSupport -XX:MaxRAMPercentage=50.0 -XX:+ExitOnOutOfMemoryError"

USER 10001:10001
EXPOSE 8080 9090
# /healthz of the admin listener: it must listen on 127.0.0.1:9090 or 0.0.0.0:9090 inside the container.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:9090/healthz || exit 1
ENTRYPOINT ["java", "-jar", "/opt/rlproxy/proxy.jar"]
CMD ["run", "--config", "/etc/rlproxy/config.yaml"]
