using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SupportBot.Skills.HelpDesk;

public static class HelpDeskExtensions
{
    public static IHostApplicationBuilder AddHelpDesk(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HelpDeskOptions>()
            .BindConfiguration(HelpDeskOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<HelpDeskProfile>();
        return builder;
    }
}
