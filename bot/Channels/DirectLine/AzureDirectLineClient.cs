using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace SupportBot.Bot.Channels.DirectLine;

/// <summary>Azure Direct Line could not give a token; the message is safe to show (it never contains the secret).</summary>
public sealed class DirectLineUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Exchanges the Direct Line secret for a user-bound token with Azure, server-side.</summary>
public sealed class AzureDirectLineClient(HttpClient http, IOptions<DirectLineOptions> options, ILogger<AzureDirectLineClient> logger)
{
    public async Task<TokenResponse> GenerateTokenAsync(string userId, string? userName, CancellationToken cancellationToken)
    {
        var endpoint = options.Value.Endpoint.TrimEnd('/') + "/tokens/generate";
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = JsonContent.Create(new { user = new { id = userId, name = userName } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.Secret);

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Azure Direct Line at {Endpoint} could not be reached", endpoint);
            throw new DirectLineUnavailableException("Azure Direct Line could not be reached.", ex);
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                logger.LogError("Azure Direct Line refused the configured secret ({Status}); check DirectLine:Secret", (int)response.StatusCode);
                throw new DirectLineUnavailableException("Azure Direct Line refused the bot's Direct Line secret.");
            }

            if (!response.IsSuccessStatusCode)
            {
                logger.LogError("Azure Direct Line answered {Status} to tokens/generate", (int)response.StatusCode);
                throw new DirectLineUnavailableException($"Azure Direct Line answered {(int)response.StatusCode}.");
            }

            TokenResponse? token;
            try
            {
                token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken);
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw new DirectLineUnavailableException("Azure Direct Line answered with something other than a token.", ex);
            }

            return token is { Token.Length: > 0, ConversationId.Length: > 0 }
                ? token
                : throw new DirectLineUnavailableException("Azure Direct Line answered without a token.");
        }
    }
}
