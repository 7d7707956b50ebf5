using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Hosting;
using SupportBot.Skills.SelfHelp;
using SupportBot.Skills.SelfHelp.Sandbox;

namespace SupportBot.Bot.SelfHelp;

public static class SelfHelpHosting
{
    /// <summary>Where this app serves the Graph sandbox (the demo tenant).</summary>
    public const string SandboxPath = "/_sandbox/graph";

    /// <summary>Self-help actions; in the embedded default they run against the sandbox this app serves itself.</summary>
    public static IHostApplicationBuilder AddSelfHelpActions(this IHostApplicationBuilder builder)
    {
        builder.AddSelfHelp(sp => (ServerAddress.BaseUrl(sp.GetRequiredService<IServer>())
                                   ?? throw new InvalidOperationException("The Graph sandbox needs the server's address, and the server isn't listening yet.")) + SandboxPath);
        builder.Services.AddSingleton<SelfHelpRunner>();
        return builder;
    }

    /// <summary>The Graph sandbox's endpoints, only when actions run against it.</summary>
    public static IEndpointRouteBuilder MapSelfHelp(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<IOptions<SelfHelpOptions>>().Value.Mode == GraphMode.Sandbox)
        {
            app.MapGraphSandbox(SandboxPath);
        }

        return app;
    }
}
