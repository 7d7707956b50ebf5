using SupportBot.Infra.Tests.Infrastructure;

namespace SupportBot.Infra.Tests;

/// <summary>
/// A parameter that is missing or malformed stops <c>bicep lint</c> (and so any deployment) before Azure is
/// touched, with an error that points at that parameter's line and says what was expected.
/// </summary>
public sealed class BadParameterTests : IDisposable
{
    // A complete, valid parameters file; each test leaves one parameter out or spoils one.
    private static readonly (string Name, string Value)[] Valid =
    [
        ("environmentName", "'test'"),
        ("appName", "'supportbot'"),
        ("containerRegistryName", "'contosoacr'"),
        ("containerImage", "'contosoacr.azurecr.io/supportbot:1.4.0'"),
        ("minReplicas", "2"),
        ("redisSku", "'Standard'"),
        ("chatModel", "{ name: 'chat', model: 'gpt-4o-mini', version: '2024-07-18', sku: 'GlobalStandard', capacity: 10 }"),
        ("tickets", "{\n  System: 'ServiceNow'\n  InstanceUrl: 'https://contoso.service-now.com'\n  UserName: 'supportbot'\n}"),
        ("ticketSystemSecret", "'not-a-real-secret'"),
        ("storedSecrets", "[]"),
    ];

    private readonly InfraCopy _infra = new();

    [Fact]
    public async Task TheValidParameters_LintClean()
    {
        var (file, _) = Write(null, null);

        var result = await LintAsync(file);

        Assert.True(result.ExitCode == 0 && result.Diagnostics.Count == 0, result.ToString());
    }

    [Theory]
    [InlineData("containerImage")]
    [InlineData("containerRegistryName")]
    [InlineData("environmentName")]
    [InlineData("tickets")]
    [InlineData("ticketSystemSecret")]
    public async Task MissingRequiredParameter_FailsNamingIt(string parameter)
    {
        var (file, _) = Write(parameter, null);

        var result = await LintAsync(file);

        Assert.NotEqual(0, result.ExitCode);
        var error = Assert.Single(result.Diagnostics, d => d.Level == "Error");
        Assert.Equal("BCP258", error.Code);
        Assert.Contains($"\"{parameter}\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("environmentName", "'staging'", "'dev' | 'prod' | 'test'")]
    [InlineData("appName", "'sb'", "minimum allowable length is 3")]
    [InlineData("minReplicas", "1", "minimum allowable value is 2")]
    [InlineData("minReplicas", "'two'", "Expected a value of type \"int\"")]
    [InlineData("redisSku", "'Enterprise'", "'Basic' | 'Premium' | 'Standard'")]
    [InlineData("containerImage", "42", "Expected a value of type \"string\"")]
    [InlineData("ticketSystemSecret", "''", "minimum allowable length is 1")]
    [InlineData("storedSecrets", "[ 'Tickets--Jira--ApiToken' ]", "'DirectLine--Secret'")]
    [InlineData("chatModel", "{ name: 'chat', model: 'gpt-4o-mini', version: '2024-07-18', sku: 'Provisioned', capacity: 10 }", "\"sku\"")]
    [InlineData("chatModel", "{ name: 'chat', model: 'gpt-4o-mini', version: '2024-07-18', sku: 'GlobalStandard', capacity: 0 }", "minimum allowable value is 1")]
    [InlineData("tickets", "{\n  System: 'Zendesk'\n  InstanceUrl: 'https://contoso.zendesk.com'\n  UserName: 'supportbot'\n}", "'Jira' | 'ServiceNow'")]
    [InlineData("tickets", "{\n  System: 'ServiceNow'\n  UserName: 'supportbot'\n}", "missing the following required properties: \"InstanceUrl\"")]
    [InlineData("tickets", "{\n  System: 'Jira'\n  BaseUrl: 'https://contoso.atlassian.net'\n  Email: 'bot@contoso.com'\n  ServiceDeskId: '1'\n}", "\"RequestTypeId\"")]
    public async Task MalformedParameter_FailsOnItsLine_SayingWhatWasExpected(string parameter, string value, string expected)
    {
        var (file, lines) = Write(parameter, value);

        var result = await LintAsync(file);

        Assert.NotEqual(0, result.ExitCode);
        var (first, last) = lines[parameter];
        var errors = result.Diagnostics.Where(d => d.Level == "Error").ToList();
        Assert.True(errors.Count > 0, result.ToString());
        Assert.All(errors, e => Assert.InRange(e.Line, first, last));
        Assert.Contains(errors, e => e.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnknownParameter_FailsNamingIt()
    {
        var (file, _) = Write(null, null, extra: "param minReplica = 3");

        var result = await LintAsync(file);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(result.Diagnostics, d => d.Code == "BCP259" && d.Message.Contains("\"minReplica\"", StringComparison.Ordinal));
    }

    public void Dispose() => _infra.Dispose();

    private Task<BicepResult> LintAsync(string file) => BicepCli.RunAsync(_infra.Directory, null, "lint", file);

    /// <summary>Writes the valid parameters with <paramref name="parameter"/> left out (value null) or replaced.</summary>
    private (string File, Dictionary<string, (int First, int Last)> Lines) Write(string? parameter, string? value, string? extra = null)
    {
        var text = new List<string> { "using './main.bicep'", string.Empty };
        var lines = new Dictionary<string, (int, int)>();
        foreach (var (name, validValue) in Valid)
        {
            if (name == parameter && value is null)
            {
                continue;
            }

            var first = text.Count + 1;
            text.AddRange($"param {name} = {(name == parameter ? value : validValue)}".Split('\n'));
            lines[name] = (first, text.Count);
        }

        if (extra is not null)
        {
            text.Add(extra);
        }

        var file = _infra.WriteParameters($"case-{Guid.NewGuid():N}.bicepparam", string.Join('\n', text) + "\n");
        return (file, lines);
    }
}
