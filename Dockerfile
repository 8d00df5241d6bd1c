# Text classification server: multi-stage build (SDK) -> runtime-deps image (the app is self-contained), linux-x64 only.
# Keep in step with scripts/publish-smoke.sh, which runs the same publish and the same start command without Docker.
#
#   docker build -t textclf-server .
#   docker run -d --name textclf -p 5000:5000 -v textclf-certs:/app/.certs textclf-server
#   docker cp textclf:/app/.certs/cert.pem . && curl --cacert cert.pem https://localhost:5000/health
#
# Settings are environment variables with "__" for ":" (see docs/server.md), e.g.
#   -e Model__Path=/models/mine -v /host/bundle:/models/mine:ro          another model bundle
#   -e Tls__CertificateDirectory=/certs -v /host/certs:/certs            where the self-signed certificate is kept
#   -e Kestrel__Certificates__Default__Path=/tls/cert.pem \
#   -e Kestrel__Certificates__Default__KeyPath=/tls/key.pem -v /host/tls:/tls:ro   your own certificate
#   -e ASPNETCORE_URLS=https://+:8443                                    another port (the HEALTHCHECK follows it)

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore from the project files alone, so the large TorchSharp/libtorch packages stay in a cached layer.
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY build/ build/
COPY src/Model/Model.csproj src/Model/
COPY src/Server/Server.csproj src/Server/
RUN dotnet restore src/Server/Server.csproj -r linux-x64

COPY appsettings.json ./
COPY models/ models/
COPY src/Model/ src/Model/
COPY src/Server/ src/Server/
# The same publish as scripts/publish-smoke.sh. -r linux-x64 copies only the linux-x64 libtorch natives; the
# appsettings.json and models/default are copied beside Server.dll by the project, which publishes self-contained with
# the app and the .NET and ASP.NET Core frameworks in one composite ReadyToRun image (faster start; src/Server/Server.csproj).
# The build stage and the runtime stage below share a distribution, so the LibTorchSharp libstdc++ check
# (build/LibTorchSharpCompat.targets) holds for both.
RUN dotnet publish src/Server/Server.csproj -c Release -r linux-x64 -o /app

# The app carries its own runtime, so the image needs only the runtime's native dependencies.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0
WORKDIR /app
COPY --from=build /app ./
# The self-signed certificate is generated into /app/.certs (Tls:CertificateDirectory=.certs, relative to the working
# directory) on first start; mount a volume there to keep it across containers.
RUN mkdir -p /app/.certs && chown "$APP_UID" /app/.certs
USER $APP_UID
# Urls comes from appsettings.json (https://*:5000); clear the base image's HTTP port so it does not compete.
ENV ASPNETCORE_HTTP_PORTS=
# On SIGTERM (docker stop, Kubernetes) keep answering for 5 s with readiness 503 so load balancers move away first
# (docs/deploy.md); docker stop's default 10 s grace covers it, a second signal skips it.
ENV Shutdown__DrainDelay=5s
# Two glibc malloc arenas instead of 8 per core: fewer partly used arenas from Kestrel's, OpenSSL's and libtorch's
# threads. Peak RSS under 64 connections 295/298 MB against 306/302 MB without, throughput within the VM's noise
# (docs/performance.md). glibc reads it only at process start, so it cannot be set from inside the server.
ENV MALLOC_ARENA_MAX=2
EXPOSE 5000
# The runtime image has no curl: the server binary probes its own /health/live (exit 0 on 200).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["/app/Server", "--healthcheck"]
ENTRYPOINT ["/app/Server"]
