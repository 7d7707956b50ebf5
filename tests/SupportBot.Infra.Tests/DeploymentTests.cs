using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SupportBot.Infra.Tests.Infrastructure;

namespace SupportBot.Infra.Tests;

/// <summary>What the deployment would create, read from <c>bicep snapshot</c> of the committed parameter files.</summary>
public sealed partial class DeploymentTests(DeploymentFixture deployment) : IClassFixture<DeploymentFixture>
{
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string OpenAiUser = "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd";
    private const string AcrPull = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
    private const string BotIdentity = "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-supportbot-prod";

    public static TheoryData<string> Environments => new() { "dev", "prod" };

    [Theory]
    [InlineData(KeyVaultSecretsUser, "Microsoft.KeyVault/vaults")]
    [InlineData(OpenAiUser, "Microsoft.CognitiveServices/accounts")]
    [InlineData(AcrPull, "Microsoft.ContainerRegistry/registries")]
    public void BotIdentity_HasTheRoleItNeeds_OnThatResourceOnly(string role, string resourceType)
    {
        var assignment = Assert.Single(
            deployment.Production.OfType("Microsoft.Authorization/roleAssignments"),
            a => ((string)a["properties"]!["roleDefinitionId"]!).EndsWith("/roleDefinitions/" + role, StringComparison.Ordinal));

        Assert.Contains(BotIdentity + "'", (string)assignment["properties"]!["principalId"]!, StringComparison.Ordinal);
        Assert.Equal("ServicePrincipal", (string?)assignment["properties"]!["principalType"]);
        Assert.Contains($"/providers/{resourceType}/", (string)assignment["id"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void RoleAssignmentNames_AreStableGuids_SoRedeploymentsUpdateInsteadOfDuplicating()
    {
        static List<string> Names(DeploymentSnapshot s) =>
            s.OfType("Microsoft.Authorization/roleAssignments").Select(a => (string)a["name"]!).Order().ToList();

        var first = Names(deployment.Production);

        Assert.All(first, name => Assert.True(Guid.TryParse(name, out _), $"'{name}' is not a GUID"));
        Assert.Equal(first, Names(deployment.ProductionComplete));
    }

    [Fact]
    public void KeyVault_UsesRbac_AndCannotBePurged()
    {
        var vault = deployment.Production.SingleOf("Microsoft.KeyVault/vaults")["properties"]!;

        Assert.True((bool)vault["enableRbacAuthorization"]!);
        Assert.True((bool)vault["enablePurgeProtection"]!);
        Assert.Null(vault["accessPolicies"]);
    }

    [Fact]
    public void Redis_AcceptsTlsOnly()
    {
        var redis = deployment.Production.SingleOf("Microsoft.Cache/redis")["properties"]!;

        Assert.False((bool)redis["enableNonSslPort"]!);
        Assert.Equal("1.2", (string?)redis["minimumTlsVersion"]);
    }

    [Fact]
    public void AzureOpenAi_HasKeysOff_ASubdomain_AndTheTwoDeploymentsTheBotIsToldAbout()
    {
        var account = deployment.Production.SingleOf("Microsoft.CognitiveServices/accounts");
        var deployments = deployment.Production.OfType("Microsoft.CognitiveServices/accounts/deployments")
            .ToDictionary(d => ((string)d["name"]!).Split('/')[1], d => (string)d["properties"]!["model"]!["name"]!);
        var env = deployment.Production.Environment;

        Assert.True((bool)account["properties"]!["disableLocalAuth"]!);
        Assert.Equal((string?)account["name"], (string?)account["properties"]!["customSubDomainName"]);
        Assert.Equal("gpt-4o-mini", deployments[Value(env["AzureOpenAI__Deployment"])]);
        Assert.Equal("text-embedding-3-small", deployments[Value(env["AzureOpenAI__EmbeddingDeployment"])]);
        Assert.False(env.ContainsKey("AzureOpenAI__ApiKey"));
    }

    [Fact]
    public void Secrets_ReachTheBotOnlyAsKeyVaultReferences_ResolvedWithItsIdentity()
    {
        foreach (var snapshot in new[] { deployment.Production, deployment.Development, deployment.ProductionComplete })
        {
            var app = snapshot.ContainerApp;
            var secrets = app["properties"]!["configuration"]!["secrets"]!.AsArray().Select(s => s!.AsObject()).ToList();
            var secretNames = secrets.Select(s => (string)s["name"]!).ToHashSet();

            Assert.All(secrets, s =>
            {
                Assert.Null(s["value"]);
                Assert.Contains("Microsoft.KeyVault/vaults/", (string)s["keyVaultUrl"]!, StringComparison.Ordinal);
                Assert.EndsWith("/id-supportbot-" + (snapshot == deployment.Development ? "dev" : "prod"), (string)s["identity"]!, StringComparison.Ordinal);
            });

            foreach (var (name, variable) in snapshot.Environment)
            {
                if (LooksSecret().IsMatch(name))
                {
                    Assert.True(variable["value"] is null, $"{name} is a secret but is set as a plain value");
                    Assert.Contains((string)variable["secretRef"]!, secretNames);
                }
                else if (variable["value"] is { } value)
                {
                    Assert.DoesNotMatch(ListFunction(), value.ToString());
                }
            }
        }

        var complete = deployment.ProductionComplete.Environment;
        Assert.Equal("connectionstrings-redis", (string?)complete["ConnectionStrings__Redis"]["secretRef"]);
        Assert.Equal("tickets-jira-apitoken", (string?)complete["Tickets__Jira__ApiToken"]["secretRef"]);
        Assert.Equal("directline-secret", (string?)complete["DirectLine__Secret"]["secretRef"]);
        Assert.Equal("slack-bottoken", (string?)complete["Slack__BotToken"]["secretRef"]);
        Assert.Equal("tickets-servicenow-password", (string?)deployment.Development.Environment["Tickets__ServiceNow__Password"]["secretRef"]);
    }

    [Fact]
    public void HandStoredSecrets_AreReferencedOnlyOnceListed_SoTheFirstDeploymentStarts()
    {
        var first = deployment.Production.Environment;

        Assert.False(first.ContainsKey("DirectLine__Secret"));
        Assert.False(first.ContainsKey("Slack__BotToken"));
        Assert.True(deployment.ProductionComplete.Environment.ContainsKey("DirectLine__Secret"));
    }

    [Fact]
    public void SecretsGivenToTheDeployment_LandOnlyInKeyVault_OrInTheSlackChannel()
    {
        var snapshot = deployment.ProductionComplete;

        // Secure parameters are never evaluated in a snapshot: where they are used shows as parameters('…').
        foreach (var secret in new[] { DeploymentFixture.TicketSecret, DeploymentFixture.SlackClientSecret, DeploymentFixture.SlackSigningSecret, DeploymentFixture.SlackVerificationToken })
        {
            Assert.DoesNotContain(secret, snapshot.Text, StringComparison.Ordinal);
        }

        static IEnumerable<string> Using(DeploymentSnapshot s, string parameter) =>
            s.Resources.Where(r => DeploymentSnapshot.TextOf(r).Contains($"parameters('{parameter}')", StringComparison.Ordinal)).Select(r => (string)r["type"]!);

        Assert.Equal(["Microsoft.KeyVault/vaults/secrets"], Using(snapshot, "ticketSystemSecret"));
        foreach (var slackSecret in new[] { "slackClientSecret", "slackSigningSecret", "slackVerificationToken" })
        {
            Assert.Equal(["Microsoft.BotService/botServices/channels"], Using(snapshot, slackSecret));
        }

        var redisSecret = Assert.Single(snapshot.OfType("Microsoft.KeyVault/vaults/secrets"), s => ((string)s["name"]!).EndsWith("/ConnectionStrings--Redis", StringComparison.Ordinal));
        Assert.Contains("listKeys(", (string)redisSecret["properties"]!["value"]!, StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(snapshot.Text, "listKeys\\("));
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void Bot_IsTheManagedIdentity_WithItsEndpointOnTheContainerApp(string environment)
    {
        var snapshot = environment == "dev" ? deployment.Development : deployment.Production;
        var bot = snapshot.SingleOf("Microsoft.BotService/botServices")["properties"]!;
        var env = snapshot.Environment;

        Assert.Equal("UserAssignedMSI", (string?)bot["msaAppType"]);
        Assert.Equal("UserAssignedMSI", Value(env["MicrosoftAppType"]));
        var appId = ((string)bot["msaAppId"]!).Trim('[', ']');
        Assert.Contains($"/userAssignedIdentities/id-supportbot-{environment}', '", appId, StringComparison.Ordinal);
        Assert.EndsWith(".clientId", appId, StringComparison.Ordinal);
        Assert.Equal($"[string({appId})]", Value(env["MicrosoftAppId"]));
        Assert.Equal($"[string({appId})]", Value(env["AZURE_CLIENT_ID"]));
        Assert.Equal(DeploymentSnapshot.TenantId, Value(env["MicrosoftAppTenantId"]));
        Assert.Null(bot["msaAppPassword"]);
        Assert.False(env.ContainsKey("MicrosoftAppPassword"));

        var endpoint = (string)bot["endpoint"]!;
        Assert.StartsWith("[format('https://{0}/api/messages', ", endpoint, StringComparison.Ordinal);
        Assert.Contains($"/containerApps/ca-supportbot-{environment}', '", endpoint, StringComparison.Ordinal);
        Assert.EndsWith(".configuration.ingress.fqdn)]", endpoint, StringComparison.Ordinal);
    }

    [Fact]
    public void Channels_AreTeamsAndDirectLine_PlusSlackOnceItsAppCredentialsAreGiven()
    {
        static List<string> Channels(DeploymentSnapshot s) =>
            s.OfType("Microsoft.BotService/botServices/channels").Select(c => (string)c["properties"]!["channelName"]!).Order().ToList();

        Assert.Equal(["DirectLineChannel", "MsTeamsChannel"], Channels(deployment.Production));
        Assert.Equal(["DirectLineChannel", "MsTeamsChannel", "SlackChannel"], Channels(deployment.ProductionComplete));

        var directLine = Assert.Single(
            deployment.Production.OfType("Microsoft.BotService/botServices/channels"),
            c => (string?)c["properties"]!["channelName"] == "DirectLineChannel");
        var site = Assert.Single(directLine["properties"]!["properties"]!["sites"]!.AsArray())!;
        Assert.True((bool)site["isV3Enabled"]!);
        Assert.False((bool)site["isV1Enabled"]!);
        Assert.True((bool)site["isSecureSiteEnabled"]!);
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void ContainerApp_RunsAtLeastTwoReplicas_WithProbesOnTheBotsHealthEndpoints(string environment)
    {
        var snapshot = environment == "dev" ? deployment.Development : deployment.Production;
        var template = snapshot.ContainerApp["properties"]!["template"]!;
        var probes = snapshot.Container["probes"]!.AsArray().ToDictionary(p => (string)p!["type"]!, p => p!["httpGet"]!);
        var mappedByTheBot = HealthCheckPaths().Matches(Repository.Read("bot", "Hosting", "HealthEndpoints.cs")).Select(m => m.Groups[1].Value).ToList();

        Assert.True((int)template["scale"]!["minReplicas"]! >= 2);
        Assert.True((int)template["scale"]!["maxReplicas"]! >= (int)template["scale"]!["minReplicas"]!);
        Assert.Equal(["/healthz", "/healthz/ready"], mappedByTheBot.Order());
        Assert.Equal("/healthz", (string?)probes["Liveness"]["path"]);
        Assert.Equal("/healthz", (string?)probes["Startup"]["path"]);
        // Not /healthz/ready: a Redis outage must not take every replica out of the ingress (docs/decisions/0013).
        Assert.Equal("/healthz", (string?)probes["Readiness"]["path"]);
        Assert.All(probes.Values, p => Assert.Equal(TargetPort(snapshot), (int)p["port"]!));
        Assert.Equal("Production", Value(snapshot.Environment["ASPNETCORE_ENVIRONMENT"]));
    }

    [Fact]
    public void ContainerApp_IsReachedOverHttpsOnly_OnThePortTheImageListensOn()
    {
        var ingress = deployment.Production.ContainerApp["properties"]!["configuration"]!["ingress"]!;
        var dockerfile = Dockerfile.Load();

        Assert.True((bool)ingress["external"]!);
        Assert.False((bool)ingress["allowInsecure"]!);
        Assert.Equal(dockerfile.ExposedPort, TargetPort(deployment.Production));
        Assert.Equal("contososupportbot.azurecr.io/supportbot:1.4.0", (string?)deployment.Production.Container["image"]);
        Assert.Equal("contososupportbot.azurecr.io/supportbot:1.5.0", (string?)deployment.ProductionComplete.Container["image"]);
    }

    [Fact]
    public void EverySetting_IsOneTheBotReads()
    {
        var known = BotSettings();
        // Read by the platform or the runtime rather than by a section of appsettings.json.
        string[] platform = ["ASPNETCORE_ENVIRONMENT", "ASPNETCORE_FORWARDEDHEADERS_ENABLED", "AZURE_CLIENT_ID", "APPLICATIONINSIGHTS_CONNECTION_STRING", "Knowledge:PublicBaseUrl"];

        foreach (var snapshot in new[] { deployment.Production, deployment.Development, deployment.ProductionComplete })
        {
            foreach (var name in snapshot.Environment.Keys)
            {
                var key = ArrayIndex().Replace(name.Replace("__", ":", StringComparison.Ordinal), string.Empty);
                Assert.True(known.Contains(key) || platform.Contains(key), $"{name} is not a setting in bot/appsettings.json (a typo?)");
            }
        }

        var prod = deployment.Production.Environment;
        Assert.Equal("Jira", Value(prod["Tickets__System"]));
        Assert.Equal("https://contoso.atlassian.net", Value(prod["Tickets__Jira__BaseUrl"]));
        Assert.Equal("ceo@contoso.com", Value(prod["Tickets__VipUsers__0"]));
        Assert.Equal("device.restart", Value(prod["SelfHelp__Disabled__0"]));
        Assert.Equal("Graph", Value(prod["SelfHelp__Mode"]));
        Assert.Equal("true", Value(prod["SelfHelp__Graph__UseManagedIdentity"]));
        Assert.Equal("Sandbox", Value(deployment.Development.Environment["SelfHelp__Mode"]));
        Assert.False(deployment.Development.Environment.ContainsKey("SelfHelp__Graph__UseManagedIdentity"));
    }

    private static int TargetPort(DeploymentSnapshot snapshot) =>
        (int)snapshot.ContainerApp["properties"]!["configuration"]!["ingress"]!["targetPort"]!;

    private static string Value(JsonObject variable) =>
        (string?)variable["value"] ?? throw new InvalidOperationException($"{variable["name"]} has no plain value");

    /// <summary>Every key in bot/appsettings.json, e.g. Tickets:Jira:BaseUrl (arrays by their own key).</summary>
    private static HashSet<string> BotSettings()
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        void Walk(JsonElement element, string prefix)
        {
            if (prefix.Length > 0)
            {
                keys.Add(prefix);
            }

            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, prefix.Length == 0 ? property.Name : $"{prefix}:{property.Name}");
                }
            }
        }

        using var settings = JsonDocument.Parse(
            Repository.Read("bot", "appsettings.json"),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        Walk(settings.RootElement, string.Empty);
        return keys;
    }

    [GeneratedRegex("(Password|Secret|Token|ApiKey|SigningKey|^ConnectionStrings__)", RegexOptions.IgnoreCase)]
    private static partial Regex LooksSecret();

    [GeneratedRegex("\\blist[A-Za-z]*\\(")]
    private static partial Regex ListFunction();

    [GeneratedRegex(":[0-9]+$")]
    private static partial Regex ArrayIndex();

    [GeneratedRegex("MapHealthChecks\\(\"([^\"]+)\"")]
    private static partial Regex HealthCheckPaths();
}
