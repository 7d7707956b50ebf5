using SupportBot.Bot.Admin;
using SupportBot.Bot.Channels.DirectLine;
using SupportBot.Bot.Hosting;
using SupportBot.Bot.Knowledge;
using SupportBot.Bot.Observability;
using SupportBot.Bot.SelfHelp;
using SupportBot.Bot.State;
using SupportBot.Bot.Technicians;
using SupportBot.Bot.Tickets;
using SupportBot.Skills.HelpDesk;
using SupportBot.Skills.Knowledge;

if (PasswordHashCommand.TryRun(args))
{
    return;
}

var builder = WebApplication.CreateBuilder(args);

builder.AddObservability();
builder.AddKnowledge();
builder.AddHelpDesk();
builder.AddSelfHelpActions();
builder.AddHandoff();
builder.AddBotState();
builder.AddBot();
builder.AddAbuseLimits();
builder.AddDirectLine();
builder.AddTechnicianConsole();
builder.AddAdmin();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseWebSockets();
app.UseRateLimiter();

app.MapBotEndpoints();
app.MapDirectLine();
app.MapKnowledgeEndpoints();
app.MapSelfHelp();
app.MapHealthEndpoints();
app.MapTechnicianConsole();
app.MapAdmin();

app.Run();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
