using System.Buffers;

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

        // Sized by Content-Length when the client sent one (every channel does), so the body is read straight into it.
        var capacity = request.ContentLength is { } length and > 0 ? (int)length : 4096;
        using var buffer = new MemoryStream(capacity);
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }
}
