using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SupportBot.Infra.Tests.Infrastructure;

/// <summary>
/// What Azure Resource Manager would be asked to create, from <c>bicep snapshot</c>: every resource of every module
/// with parameters, names, loops and conditions evaluated for a fixed subscription and resource group. Values
/// only known in Azure (an identity's client id, a key) stay ARM expressions, and secure parameters are never
/// evaluated, so their values can't appear here unless the template copied them somewhere visible.
/// </summary>
public sealed class DeploymentSnapshot
{
    public const string SubscriptionId = "00000000-0000-0000-0000-00000000a001";
    public const string TenantId = "00000000-0000-0000-0000-00000000b001";

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private DeploymentSnapshot(string text)
    {
        Text = text;
        Resources = JsonNode.Parse(text)!["predictedResources"]!.AsArray().Select(r => r!.AsObject()).ToList();
    }

    /// <summary>The whole snapshot as JSON text.</summary>
    public string Text { get; }

    public IReadOnlyList<JsonObject> Resources { get; }

    /// <summary>A resource as JSON text, with quotes and apostrophes as written (ARM expressions stay readable).</summary>
    public static string TextOf(JsonObject resource) => resource.ToJsonString(Readable);

    public IEnumerable<JsonObject> OfType(string type) =>
        Resources.Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));

    public JsonObject SingleOf(string type) => Assert.Single(OfType(type));

    /// <summary>The bot's container: image, environment variables, probes.</summary>
    public JsonObject Container => Assert.Single(ContainerApp["properties"]!["template"]!["containers"]!.AsArray())!.AsObject();

    public JsonObject ContainerApp => SingleOf("Microsoft.App/containerApps");

    /// <summary>Environment variables of the bot's container by name.</summary>
    public IReadOnlyDictionary<string, JsonObject> Environment =>
        Container["env"]!.AsArray().Select(e => e!.AsObject()).ToDictionary(e => (string)e["name"]!, StringComparer.Ordinal);

    internal static async Task<DeploymentSnapshot> TakeAsync(InfraCopy infra, string parametersFile, IReadOnlyDictionary<string, string> environment)
    {
        var result = await BicepCli.RunAsync(
            infra.Directory,
            environment,
            "snapshot", parametersFile, "--mode", "overwrite",
            "--subscription-id", SubscriptionId,
            "--tenant-id", TenantId,
            "--resource-group", "rg-supportbot",
            "--location", "westeurope");
        Assert.True(result.ExitCode == 0 && result.Diagnostics.Count == 0, result.ToString());

        var snapshotFile = infra.Path(Path.GetFileNameWithoutExtension(parametersFile) + ".snapshot.json");
        return new DeploymentSnapshot(await File.ReadAllTextAsync(snapshotFile));
    }
}
