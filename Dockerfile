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
# Sized from measurements (bench/README.md, Footprint): the webhook's live heap is ~25-30 MiB; the
# heap's maximum (160 MiB) is what the worst input needs, every connection slot held by a client
# sending slowly plus the in-flight budget (docs/failure-semantics.md, SlowClientsIT); the serial
# collector (best for one or two CPUs and small heaps),
# compact object headers (JEP 519), bounded metaspace and code cache, smaller thread stacks,
# native-heap trimming and two malloc arenas. (Heap free ratios that give memory back were tried:
# the frequent collections they cause took p99 at 1,000 reviews/s from 2 to 50-380 ms.) Every area the JVM can bound is bounded, so the chart's memory limit is a sum, not a
# guess: heap + metaspace + code cache + 64 MiB of the rest (MemoryBudgetIT keeps them in step).
# An OutOfMemoryError ends the process so the kubelet restarts it rather than leaving a
# half-working webhook. SweeperThreshold: bench/README.md. The chart's `jvmOptions` replaces this variable.
ENV JAVA_TOOL_OPTIONS="-XX:+UseSerialGC -Xms16m -Xmx160m -XX:+UseCompactObjectHeaders -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=64m -XX:SweeperThreshold=50 -Xss512k -XX:TrimNativeHeapInterval=2000 -XX:+ExitOnOutOfMemoryError" \
    MALLOC_ARENA_MAX=2
# A numeric non-root user (the "nonroot" UID of distroless images), so Kubernetes can check
# runAsNonRoot without reading /etc/passwd. The files below stay owned by root: read-only to it.
USER 65532:65532
# 8443: admission reviews (HTTPS); 8080: health and metrics (HTTP).
EXPOSE 8443 8080
# No HEALTHCHECK: Kubernetes ignores it; the probes are in the chart.
# Two ahead-of-time steps, each about a second of start-up (bench/README.md, Start-up):
# - Spring's AOT processing (`process-aot` in the build) generated the bean wiring as code;
#   -Dspring.aot.enabled=true runs on it instead of parsing configuration classes and evaluating
#   conditions at start-up. What a pod switches at run time is read at start-up, not by conditions
#   (delivery/DeliveryConfiguration); AotWiringIT checks the jar in this mode.
# - The JDK 25 AOT cache (JEP 483/514/515) holds the classes loaded and linked, and method profiles,
#   of a training start. If the JVM flags no longer match the training run's, the JVM says so and
#   starts without the cache; nothing breaks.
ENTRYPOINT ["java", "-XX:AOTCache=/app/app.aot", "-Dspring.aot.enabled=true", "-jar", "/app/app.jar"]
COPY examples/rules.yaml /app/aot/training-rules.yaml

FROM runtime-base AS runtime-from-jar
COPY --from=extract-prebuilt /layers/dependencies/ ./
COPY --from=extract-prebuilt /layers/spring-boot-loader/ ./
COPY --from=extract-prebuilt /layers/snapshot-dependencies/ ./
COPY --from=extract-prebuilt /layers/application/ ./
# Training: start the application context once (spring.context.exit=onRefresh: no port is opened)
# with a throwaway certificate and the example rules; the in-process warm-up runs during the
# refresh, so the admission path is in the cache. The certificate is deleted in the same layer.
USER root
RUN java -XX:AOTCacheOutput=/app/app.aot -Dspring.aot.enabled=true -Dspring.context.exit=onRefresh -jar /app/app.jar \
      --webhook.tls.self-signed-dir=/tmp/aot-certs --webhook.rules.file=/app/aot/training-rules.yaml \
 && rm -rf /tmp/aot-certs
USER 65532:65532

# The default target: everything built from source.
FROM runtime-base AS runtime
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
# Training, as for runtime-from-jar above.
USER root
RUN java -XX:AOTCacheOutput=/app/app.aot -Dspring.aot.enabled=true -Dspring.context.exit=onRefresh -jar /app/app.jar \
      --webhook.tls.self-signed-dir=/tmp/aot-certs --webhook.rules.file=/app/aot/training-rules.yaml \
 && rm -rf /tmp/aot-certs
USER 65532:65532
