namespace SupportBot.Infra.Tests.Infrastructure;

/// <summary>
/// Snapshots of the deployment for the repository's parameter files, taken once for all the tests that read them.
/// Secrets are recognisable stand-ins, so a test can prove they end up nowhere but where they belong.
/// </summary>
public sealed class DeploymentFixture : IAsyncLifetime, IDisposable
{
    public const string TicketSecret = "ticket-secret-6c1e0f2b";
    public const string SlackClientSecret = "slack-client-secret-9d2c";
    public const string SlackSigningSecret = "slack-signing-secret-5e7a";
    public const string SlackVerificationToken = "slack-verification-3b8f";

    private readonly InfraCopy _infra = new();

    /// <summary>The variables the parameter files read, as a deployment pipeline would set them.</summary>
    public static Dictionary<string, string> PipelineVariables(bool withSlack = false, string imageTag = "1.4.0")
    {
        var variables = new Dictionary<string, string>
        {
            ["SUPPORTBOT_TICKET_SYSTEM_SECRET"] = TicketSecret,
            ["SUPPORTBOT_IMAGE_TAG"] = imageTag,
        };
        if (withSlack)
        {
            variables["SUPPORTBOT_SLACK_CLIENT_ID"] = "1234567890.0987654321";
            variables["SUPPORTBOT_SLACK_CLIENT_SECRET"] = SlackClientSecret;
            variables["SUPPORTBOT_SLACK_SIGNING_SECRET"] = SlackSigningSecret;
            variables["SUPPORTBOT_SLACK_VERIFICATION_TOKEN"] = SlackVerificationToken;
        }

        return variables;
    }

    /// <summary>infra/main.prod.bicepparam as committed (no Slack, no hand-stored secrets yet).</summary>
    public DeploymentSnapshot Production { get; private set; } = null!;

    /// <summary>infra/main.dev.bicepparam as committed.</summary>
    public DeploymentSnapshot Development { get; private set; } = null!;

    /// <summary>
    /// Production after the later steps of docs/deploy.md: Slack app credentials given, the Direct Line secret and
    /// the Slack bot token stored in Key Vault, and another image tag.
    /// </summary>
    public DeploymentSnapshot ProductionComplete { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Production = await DeploymentSnapshot.TakeAsync(_infra, "main.prod.bicepparam", PipelineVariables());
        Development = await DeploymentSnapshot.TakeAsync(_infra, "main.dev.bicepparam", PipelineVariables());

        const string NoStoredSecrets = "param storedSecrets = []";
        var production = await File.ReadAllTextAsync(_infra.Path("main.prod.bicepparam"));
        Assert.Contains(NoStoredSecrets, production, StringComparison.Ordinal);
        var complete = _infra.WriteParameters(
            "main.complete.bicepparam",
            production.Replace(NoStoredSecrets, "param storedSecrets = [ 'DirectLine--Secret', 'Slack--BotToken' ]", StringComparison.Ordinal));
        ProductionComplete = await DeploymentSnapshot.TakeAsync(_infra, complete, PipelineVariables(withSlack: true, imageTag: "1.5.0"));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _infra.Dispose();
}
