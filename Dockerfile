# Builds both applications from source and makes one image of each:
#   docker build --target hello-server -t hello-rpc/hello-server .
#   docker build --target hello-client -t hello-rpc/hello-client .
# (docker compose up builds both; see docker-compose.yml)

# --- build: the Maven wrapper on JDK 25, dependencies in a layer of their own ---
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY mvnw ./
COPY .mvn/ .mvn/
COPY pom.xml ./
COPY jsonrpc-tcp/pom.xml jsonrpc-tcp/
COPY hello-server/pom.xml hello-server/
COPY hello-client/pom.xml hello-client/
# Only the poms so far: this layer is rebuilt when a dependency changes, not when code does.
RUN ./mvnw -B -q -ntp dependency:go-offline -DexcludeGroupIds=io.hellorpc
COPY jsonrpc-tcp/src/ jsonrpc-tcp/src/
COPY hello-server/src/ hello-server/src/
COPY hello-client/src/ hello-client/src/
RUN ./mvnw -B -q -ntp package -DskipTests \
 && for app in hello-server hello-client; do \
      java -Djarmode=tools -jar $app/target/$app.jar extract --layers --destination /extracted/$app; \
    done

# --- hello-server: Boot's layers, least changing first; an AOT cache from a training start ---
FROM eclipse-temurin:25-jre AS hello-server
WORKDIR /app
COPY --from=build /extracted/hello-server/dependencies/ ./
COPY --from=build /extracted/hello-server/spring-boot-loader/ ./
COPY --from=build /extracted/hello-server/snapshot-dependencies/ ./
COPY --from=build /extracted/hello-server/application/ ./
# Sized for a container, not for the host's RAM (the JVM's default heap is a quarter of it): a 64 MB
# heap (-Xms16m: committed as needed), 64 MB of direct memory (the memory budget is half of it),
# SerialGC (no GC threads to feed on 1-2 CPUs), a smaller code cache and thread stacks, and freed
# native memory given back (TrimNativeHeapInterval, two malloc arenas). The java launcher reads
# JDK_JAVA_OPTIONS (training run included); docker run -e JDK_JAVA_OPTIONS=... replaces them.
ENV JDK_JAVA_OPTIONS="-XX:+UseSerialGC -Xms16m -Xmx64m -XX:MaxDirectMemorySize=64m -XX:ReservedCodeCacheSize=32m -Xss512k -XX:TrimNativeHeapInterval=5000" \
    MALLOC_ARENA_MAX=2
# The training run starts the context and exits; the cache holds the classes it loaded, linked.
RUN java -XX:AOTCacheOutput=app.aot -Dspring.context.exit=onRefresh -jar hello-server.jar \
      --rpc.server.port=0 --server.port=0 >/dev/null
USER 10001:10001
EXPOSE 1337 8080
HEALTHCHECK --interval=2s --timeout=2s --start-period=10s --retries=30 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /actuator/health/readiness HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '\"status\":\"UP\"' <&3"]
ENTRYPOINT ["java", "-XX:AOTCache=app.aot", "-jar", "hello-server.jar"]

# --- hello-client: the CLI; arguments go after the image name (--name=you) ---
FROM eclipse-temurin:25-jre AS hello-client
WORKDIR /app
COPY --from=build /extracted/hello-client/dependencies/ ./
COPY --from=build /extracted/hello-client/spring-boot-loader/ ./
COPY --from=build /extracted/hello-client/snapshot-dependencies/ ./
COPY --from=build /extracted/hello-client/application/ ./
RUN java -XX:AOTCacheOutput=app.aot -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dspring.context.exit=onRefresh \
      -jar hello-client.jar >/dev/null
USER 10001:10001
ENTRYPOINT ["java", "-XX:AOTCache=app.aot", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", "hello-client.jar"]

# --- demo-certs: the mutual-TLS demo's CA and certificates, made by keytool at build time, copied
# into a volume when run (docker-compose.mtls.yml); nothing of it is committed ---
FROM eclipse-temurin:25-jdk AS demo-certs
COPY docker/make-demo-certs.sh /usr/local/bin/make-demo-certs.sh
RUN sh /usr/local/bin/make-demo-certs.sh /certs >/dev/null 2>&1
CMD ["sh", "-c", "cp /certs/* /shared/"]
