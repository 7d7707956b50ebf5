using System.Text.RegularExpressions;
using SupportBot.Infra.Tests.Infrastructure;

namespace SupportBot.Infra.Tests;

/// <summary>The container image's recipe: multi-stage, restore cached, non-root, health-checked, on the app's port.</summary>
public sealed partial class DockerfileTests
{
    // The aspnet image's "app" user, by name or by the uid the image exports.
    private static readonly string[] UnprivilegedUsers = ["$APP_UID", "${APP_UID}", "app"];

    private readonly Dockerfile _dockerfile = Dockerfile.Load();

    [Fact]
    public void Image_IsBuiltWithTheSdk_AndRunsOnTheAspNetRuntimeOnly()
    {
        var images = _dockerfile.Stages.Select(s => _dockerfile.Resolve(s.Image)).ToList();

        Assert.True(_dockerfile.Stages.Count >= 2, "single-stage image");
        Assert.Contains("mcr.microsoft.com/dotnet/sdk:10.0", images);
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", images[^1]);
        Assert.All(_dockerfile.Final.All("COPY"), c => Assert.StartsWith("--from=", c.Arguments, StringComparison.Ordinal));
        Assert.DoesNotContain(_dockerfile.Final.All("RUN"), r => r.Arguments.Contains("dotnet ", StringComparison.Ordinal));
    }

    [Fact]
    public void PackagesAreRestored_FromTheProjectFilesAlone_BeforeTheSourcesAreCopied()
    {
        var build = Assert.Single(_dockerfile.Stages, s => _dockerfile.Resolve(s.Image).StartsWith("mcr.microsoft.com/dotnet/sdk:", StringComparison.Ordinal));
        var restore = build.IndexOf(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore bot/SupportBot.Bot.csproj", StringComparison.Ordinal));
        var sources = build.IndexOf(i => i.Keyword == "COPY" && i.Arguments == "bot/ bot/");
        var publish = build.IndexOf(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish bot/SupportBot.Bot.csproj", StringComparison.Ordinal));

        Assert.True(restore < sources && sources < publish);
        foreach (var copy in build.Instructions.Take(restore).Where(i => i.Keyword == "COPY"))
        {
            var files = copy.Arguments.Split(' ')[..^1];
            Assert.All(files, f => Assert.Matches(@"(\.csproj|\.props|\.targets|global\.json|\.editorconfig)$", f));
        }

        Assert.Contains("--no-restore", build.Instructions[publish].Arguments, StringComparison.Ordinal);
    }

    [Fact]
    public void Runtime_RunsAsTheImagesUnprivilegedUser()
    {
        var users = _dockerfile.Final.All("USER").ToList();
        var entrypoint = Assert.Single(_dockerfile.Final.All("ENTRYPOINT"));

        Assert.NotEmpty(users);
        Assert.Contains(users[^1].Arguments, UnprivilegedUsers);
        Assert.True(users[^1].Line < entrypoint.Line);
        Assert.Equal("[\"dotnet\", \"SupportBot.Bot.dll\"]", entrypoint.Arguments);
    }

    [Fact]
    public void Runtime_ListensOnTheExposedPort_DespiteTheDevelopmentUrlsInAppSettings()
    {
        var env = string.Join(' ', _dockerfile.Final.All("ENV").Select(e => e.Arguments));

        // appsettings.json sets Urls (localhost:3978), which outranks ASPNETCORE_URLS: only a plain Urls variable wins.
        Assert.Contains("\"Urls\"", Repository.Read("bot", "appsettings.json"), StringComparison.Ordinal);
        Assert.Contains($"Urls=http://+:{_dockerfile.ExposedPort}", env, StringComparison.Ordinal);
        Assert.Equal(8080, _dockerfile.ExposedPort);
    }

    [Fact]
    public void HealthCheck_AsksTheBotsLivenessEndpoint_WithTheProbeShippedInTheImage()
    {
        var healthcheck = Assert.Single(_dockerfile.Final.All("HEALTHCHECK")).Arguments;
        var probe = HealthCheckCommand().Match(healthcheck);

        Assert.True(probe.Success, healthcheck);
        Assert.Equal(_dockerfile.ExposedPort.ToString(System.Globalization.CultureInfo.InvariantCulture), probe.Groups["port"].Value);
        Assert.Equal("/healthz", probe.Groups["path"].Value);
        Assert.Contains(_dockerfile.Final.All("COPY"), c => c.Arguments == "--from=build /out/healthcheck ./healthcheck/");
        Assert.Contains(_dockerfile.Stages.SelectMany(s => s.All("RUN")), r => r.Arguments.Contains("dotnet publish infra/healthcheck/SupportBot.HealthCheck.csproj -c Release -o /out/healthcheck", StringComparison.Ordinal));
        Assert.Contains("/healthz", Repository.Read("bot", "Hosting", "HealthEndpoints.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void WebChatBundle_IsTheVersionTheBuildExpects()
    {
        var targets = Repository.Read("bot", "WebChat.targets");
        var expected = Regex.Match(targets, "<SupportBotWebChatVersion>([^<]+)</SupportBotWebChatVersion>").Groups[1].Value;

        Assert.Equal(expected, _dockerfile.Args["WEBCHAT_VERSION"]);
        Assert.Contains(_dockerfile.Stages.SelectMany(s => s.All("COPY")), c => c.Arguments.EndsWith(" bot/wwwroot/lib/webchat.js", StringComparison.Ordinal));
    }

    [Fact]
    public void DockerIgnore_KeepsBuildOutputTestsAndLocalDataOut_ButNotWhatTheBuildCopies()
    {
        var ignore = DockerIgnore.Load();
        var copied = _dockerfile.Stages.SelectMany(s => s.All("COPY"))
            .Where(c => !c.Arguments.StartsWith("--from=", StringComparison.Ordinal))
            .SelectMany(c => c.Arguments.Split(' ')[..^1])
            .ToList();

        Assert.All(copied, path => Assert.True(File.Exists(Repository.File(path)) || Directory.Exists(Repository.File(path)), $"{path} is not in the repository"));
        Assert.All(copied, path => Assert.False(ignore.Excludes(path), $"{path} is copied but .dockerignore leaves it out"));
        foreach (var needed in new[] { "bot/Program.cs", "skills/content/software.json", "infra/healthcheck/Program.cs" })
        {
            Assert.False(ignore.Excludes(needed), needed);
        }

        foreach (var kept in new[] { "bot/bin/Release/net10.0/SupportBot.Bot.dll", "skills/obj/project.assets.json", "tests/SupportBot.Tests/SupportBot.Tests.csproj", ".git/config", "bot/data/tickets.db", "bot/audit/self-help.jsonl", "bot/wwwroot/lib/webchat.js", "infra/main.bicep" })
        {
            Assert.True(ignore.Excludes(kept), $"{kept} would be sent to the build");
        }
    }

    [GeneratedRegex("^--interval=\\S+ --timeout=\\S+ --start-period=\\S+ --retries=\\d+ CMD \\[\"dotnet\", \"/app/healthcheck/SupportBot.HealthCheck.dll\", \"http://127.0.0.1:(?<port>\\d+)(?<path>/[^\"]*)\"\\]$")]
    private static partial Regex HealthCheckCommand();
}
