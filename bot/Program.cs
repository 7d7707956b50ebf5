using SupportBot.Bot.Channels.DirectLine;
using SupportBot.Bot.Hosting;
using SupportBot.Bot.Knowledge;
using SupportBot.Bot.SelfHelp;
using SupportBot.Bot.State;
using SupportBot.Skills.HelpDesk;
using SupportBot.Skills.Knowledge;

var builder = WebApplication.CreateBuilder(args);

builder.AddKnowledge();
builder.AddHelpDesk();
builder.AddSelfHelpActions();
builder.AddBotState();
builder.AddBot();
builder.AddDirectLine();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseWebSockets();

app.MapBotEndpoints();
app.MapDirectLine();
app.MapKnowledgeEndpoints();
app.MapSelfHelp();
app.MapHealthEndpoints();

app.Run();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
