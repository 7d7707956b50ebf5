# SupportBot container image. From the repository root:
#   docker build -t supportbot .                     (or: az acr build -r <registry> -t supportbot:<tag> .)
#   docker run -p 8080:8080 -e Bot__AllowAnonymousInProduction=true supportbot   (anonymous: local tries only)
# Production settings come from environment variables (Section__Key); infra/main.bicep sets them on Azure
# Container Apps. Why this shape: docs/decisions/0010-deployment.md.

ARG DOTNET_VERSION=10.0
# Must match SupportBotWebChatVersion in bot/WebChat.targets (tests/SupportBot.Infra.Tests checks it).
ARG WEBCHAT_VERSION=4.18.1

# --- 1. The Web Chat bundle -------------------------------------------------------------------------------------
# bot/WebChat.targets would fetch it with npm during the build; the .NET SDK image has no npm, so this stage does
# exactly what the target does (npm pack, extract dist/webchat.js) and the build stage finds the file in place.
FROM node:22-bookworm-slim AS webchat
ARG WEBCHAT_VERSION
WORKDIR /webchat
RUN npm pack "botframework-webchat@${WEBCHAT_VERSION}" --silent \
 && tar -xzf "botframework-webchat-${WEBCHAT_VERSION}.tgz" package/dist/webchat.js

# --- 2. Build -----------------------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src

# Restore from the project files alone, so this layer (the packages) is reused until a project file changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY bot/SupportBot.Bot.csproj bot/BotFramework.props bot/WebChat.targets bot/
COPY skills/SupportBot.Skills.csproj skills/
COPY infra/healthcheck/SupportBot.HealthCheck.csproj infra/healthcheck/
RUN dotnet restore bot/SupportBot.Bot.csproj \
 && dotnet restore infra/healthcheck/SupportBot.HealthCheck.csproj

COPY bot/ bot/
COPY skills/ skills/
COPY infra/healthcheck/ infra/healthcheck/
COPY --from=webchat /webchat/package/dist/webchat.js bot/wwwroot/lib/webchat.js
RUN dotnet publish bot/SupportBot.Bot.csproj -c Release -o /out/bot --no-restore -p:UseAppHost=false \
 && dotnet publish infra/healthcheck/SupportBot.HealthCheck.csproj -c Release -o /out/healthcheck --no-restore -p:UseAppHost=false

# --- 3. Runtime ---------------------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime
WORKDIR /app

# The app's files belong to root and are read-only to the app user; it may only write its ticket outbox (data/)
# and its self-help audit log (audit/). Both are per replica: see docs/deploy.md, "Scaling out".
COPY --from=build /out/bot ./
COPY --from=build /out/healthcheck ./healthcheck/
RUN mkdir -p /app/data /app/audit \
 && chown "$APP_UID" /app/data /app/audit

# appsettings.json sets Urls to localhost:3978 for development, and Urls outranks ASPNETCORE_URLS; the plain
# Urls variable outranks appsettings.json. HTTP_PORTS is cleared so Kestrel doesn't warn that Urls overrides it.
ENV Urls=http://+:8080 \
    ASPNETCORE_HTTP_PORTS= \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_NOLOGO=true
EXPOSE 8080

# The image's unprivileged "app" user (uid 1654).
USER $APP_UID

# For docker and compose; Azure Container Apps ignores it and uses the probes in infra/modules/containerApp.bicep.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["dotnet", "/app/healthcheck/SupportBot.HealthCheck.dll", "http://127.0.0.1:8080/healthz"]

ENTRYPOINT ["dotnet", "SupportBot.Bot.dll"]
