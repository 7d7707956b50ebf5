namespace SupportBot.Bot.Hosting;

internal static class RequestBody
{
    /// <summary>
    /// The request body, or null when it is larger than <paramref name="maxBytes"/>: refused by its Content-Length
    /// before reading, or as soon as a chunked body passes the limit, so an oversized body is never buffered.
    /// </summary>
    public static async Task<byte[]?> ReadAtMostAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
