# Container image of pullsecret-webhook.
#
# From source (the jar is built inside, on a JDK 25 image):
#   docker build -t pullsecret-webhook:0.1.0 .
# From a jar built beforehand with `./mvnw -DskipTests package` (only the runtime image is needed;
# this is what CI does, see .ci/container-engine.sh):
#   docker build --target runtime-from-jar -t pullsecret-webhook:0.1.0 .
# Both base images can be replaced, e.g. by a mirror or a locally made image:
#   --build-arg BUILD_IMAGE=... --build-arg BASE_IMAGE=...
# BASE_IMAGE must provide `java` (25) on the PATH, as the official Temurin images do.

ARG BUILD_IMAGE=eclipse-temurin:25-jdk
ARG BASE_IMAGE=eclipse-temurin:25-jre

# --- The jar, built from source. ---------------------------------------------------------------
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY src/ src/
# The cache mount keeps downloaded dependencies between builds without putting them in a layer.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -q -DskipTests package \
 && cp target/pullsecret-webhook-*.jar /tmp/app.jar \
 && java -Djarmode=tools -jar /tmp/app.jar extract --layers --destination /layers

# --- The jar, built beforehand on the host. ----------------------------------------------------
FROM ${BASE_IMAGE} AS extract-prebuilt
WORKDIR /tmp
COPY target/pullsecret-webhook-*.jar app.jar
# Spring Boot's own tool splits the fat jar into an application jar and its libraries, in layers
# that change at different rates (a code change rebuilds only the last one), and a plain
# `java -jar` on the extracted jar starts faster than the nested-jar launcher.
RUN java -Djarmode=tools -jar app.jar extract --layers --destination /layers

# --- What both runtime images share. -----------------------------------------------------------
FROM ${BASE_IMAGE} AS runtime-base
LABEL org.opencontainers.image.title="pullsecret-webhook" \
      org.opencontainers.image.description="Kubernetes mutating admission webhook that injects imagePullSecrets per namespace"
WORKDIR /app
# Sized for a container: the heap follows the memory limit, leaving room for metaspace, code cache,
# thread stacks and direct buffers; the serial collector suits one or two CPUs and small heaps
# best; and an OutOfMemoryError ends the process so the kubelet restarts it rather than leaving a
# half-working webhook. The chart's `jvmOptions` replaces this variable.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
# A numeric non-root user (the "nonroot" UID of distroless images), so Kubernetes can check
# runAsNonRoot without reading /etc/passwd. The files below stay owned by root: read-only to it.
USER 65532:65532
# 8443: admission reviews (HTTPS); 8080: health and metrics (HTTP).
EXPOSE 8443 8080
# No HEALTHCHECK: Kubernetes ignores it; the probes are in the chart.
ENTRYPOINT ["java", "-jar", "/app/app.jar"]

FROM runtime-base AS runtime-from-jar
COPY --from=extract-prebuilt /layers/dependencies/ ./
COPY --from=extract-prebuilt /layers/spring-boot-loader/ ./
COPY --from=extract-prebuilt /layers/snapshot-dependencies/ ./
COPY --from=extract-prebuilt /layers/application/ ./

# The default target: everything built from source.
FROM runtime-base AS runtime
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
