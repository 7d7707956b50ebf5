using SupportBot.Bot.Channels.DirectLine;
using SupportBot.Bot.Hosting;
using SupportBot.Bot.State;
using SupportBot.Skills.HelpDesk;

var builder = WebApplication.CreateBuilder(args);

builder.AddHelpDesk();
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
app.MapHealthEndpoints();

app.Run();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
