using System.Text.Json.Nodes;
using SupportBot.Infra.Tests.Infrastructure;

namespace SupportBot.Infra.Tests;

/// <summary>infra/ compiles and lints clean with the Bicep CLI, offline, under infra/bicepconfig.json.</summary>
public sealed class TemplateTests
{
    [Fact]
    public async Task MainTemplate_Builds_WithNoWarningsOrErrors()
    {
        var result = await BicepCli.RunAsync(Repository.Infra, null, "build", "main.bicep", "--stdout");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(result.Diagnostics.Count == 0, result.ToString());
        Assert.Contains("\"Microsoft.App/containerApps\"", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\"Microsoft.BotService/botServices\"", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MainTemplate_AndEveryModule_LintClean()
    {
        var main = await BicepCli.RunAsync(Repository.Infra, null, "lint", "main.bicep");
        var modules = await BicepCli.RunAsync(Repository.Infra, null, "lint", "--pattern", "modules/*.bicep");

        Assert.True(main.ExitCode == 0 && main.Diagnostics.Count == 0, main.ToString());
        Assert.True(modules.ExitCode == 0 && modules.Diagnostics.Count == 0, modules.ToString());
    }

    /// <summary>Every template, module and parameters file under infra/.</summary>
    public static TheoryData<string> BicepFiles => new(
        Directory.EnumerateFiles(Repository.Infra, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".bicep", StringComparison.Ordinal) || f.EndsWith(".bicepparam", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Repository.Infra, f).Replace('\\', '/'))
            .Order());

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task BicepFile_IsFormattedAsBicepFormatWritesIt(string file)
    {
        var result = await BicepCli.RunAsync(Repository.Infra, DeploymentFixture.PipelineVariables(), "format", file, "--stdout");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(
            result.StandardOutput == await File.ReadAllTextAsync(Path.Combine(Repository.Infra, file)),
            $"infra/{file} is not formatted: run `az bicep format --file infra/{file}`.");
    }

    [Theory]
    [InlineData("main.dev.bicepparam")]
    [InlineData("main.prod.bicepparam")]
    public async Task ParametersFile_BuildsAndLintsClean_WithThePipelineVariablesSet(string parametersFile)
    {
        var variables = DeploymentFixture.PipelineVariables();

        var build = await BicepCli.RunAsync(Repository.Infra, variables, "build-params", parametersFile, "--stdout");
        var lint = await BicepCli.RunAsync(Repository.Infra, variables, "lint", parametersFile);

        Assert.True(build.ExitCode == 0 && build.Diagnostics.Count == 0, build.ToString());
        Assert.True(lint.ExitCode == 0 && lint.Diagnostics.Count == 0, lint.ToString());
        var parameters = JsonNode.Parse((string)JsonNode.Parse(build.StandardOutput)!["parametersJson"]!)!["parameters"]!;
        Assert.Equal(DeploymentFixture.TicketSecret, (string?)parameters["ticketSystemSecret"]!["value"]);
        Assert.Equal(parametersFile.Contains("prod", StringComparison.Ordinal) ? "prod" : "dev", (string?)parameters["environmentName"]!["value"]);
    }

    [Theory]
    [InlineData("main.dev.bicepparam")]
    [InlineData("main.prod.bicepparam")]
    public async Task ParametersFile_WithoutTheTicketSystemSecret_StopsAndNamesTheVariable(string parametersFile)
    {
        var variables = DeploymentFixture.PipelineVariables();
        variables.Remove("SUPPORTBOT_TICKET_SYSTEM_SECRET");

        var result = await BicepCli.RunAsync(Repository.Infra, variables, "build-params", parametersFile, "--stdout");

        Assert.NotEqual(0, result.ExitCode);
        var error = Assert.Single(result.Diagnostics, d => d.Level == "Error");
        Assert.Contains("\"SUPPORTBOT_TICKET_SYSTEM_SECRET\" does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProductionParameters_WithoutAnImageTag_StopInsteadOfDeployingLatest()
    {
        var variables = DeploymentFixture.PipelineVariables();
        variables.Remove("SUPPORTBOT_IMAGE_TAG");

        var result = await BicepCli.RunAsync(Repository.Infra, variables, "build-params", "main.prod.bicepparam", "--stdout");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(result.Diagnostics, d => d.Level == "Error" && d.Message.Contains("\"SUPPORTBOT_IMAGE_TAG\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Linter_RejectsSecretsInPlainParameters_HardcodedCloudUrls_AndSecretOutputs()
    {
        using var infra = new InfraCopy();
        await File.WriteAllTextAsync(infra.Path("careless.bicep"), """
            param adminPassword string

            @secure()
            param apiKey string

            output portal string = 'https://management.azure.com/'
            output key string = apiKey
            output password string = adminPassword
            """.Replace("\r\n", "\n", StringComparison.Ordinal));

        var result = await BicepCli.RunAsync(infra.Directory, null, "lint", "careless.bicep");

        Assert.NotEqual(0, result.ExitCode);
        var errors = result.Diagnostics.Where(d => d.Level == "Error").Select(d => d.Code).ToHashSet();
        Assert.Contains("secure-secrets-in-params", errors);
        Assert.Contains("no-hardcoded-env-urls", errors);
        Assert.Contains("outputs-should-not-contain-secrets", errors);
    }
}
