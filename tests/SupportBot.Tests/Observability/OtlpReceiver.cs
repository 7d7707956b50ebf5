using System.Collections.Concurrent;
using System.IO.Compression;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Observability;

/// <summary>
/// An OpenTelemetry collector's OTLP/HTTP receiver on a loopback port: accepts POST /v1/traces, /v1/metrics and
/// /v1/logs (application/x-protobuf), keeps the raw bodies and decodes the fields the tests read.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<(string Signal, byte[] Body)> _received = new();
    private LoopbackServer _server = null!;

    public string Endpoint => _server.BaseUrl;

    public IReadOnlyList<(string Signal, byte[] Body)> Received => [.. _received];

    public IReadOnlyList<OtlpSpan> Spans => [.. Bodies("traces").SelectMany(OtlpProto.ReadSpans)];

    public IReadOnlyList<OtlpLog> Logs => [.. Bodies("logs").SelectMany(OtlpProto.ReadLogs)];

    public IReadOnlyList<OtlpPoint> Points => [.. Bodies("metrics").SelectMany(OtlpProto.ReadPoints)];

    public IReadOnlySet<string> MetricNames => Bodies("metrics").SelectMany(OtlpProto.ReadMetricNames).ToHashSet(StringComparer.Ordinal);

    /// <summary>A counter's current value: the latest cumulative point of each of its series that match, added up.</summary>
    public double Counter(string metric, params (string Key, string Value)[] where) =>
        Points.Where(p => p.Metric == metric && where.All(w => p.Attributes.GetValueOrDefault(w.Key) == w.Value))
            .GroupBy(p => string.Join(";", p.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + "=" + a.Value)))
            .Sum(series => series.Last().Value);

    public static async Task<OtlpReceiver> StartAsync()
    {
        var receiver = new OtlpReceiver();
        receiver._server = await LoopbackServer.StartAsync(app =>
            app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
            {
                if (signal is not ("traces" or "metrics" or "logs") || request.ContentType != "application/x-protobuf")
                {
                    return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
                }

                using var body = new MemoryStream();
                var source = request.Headers.ContentEncoding == "gzip" ? new GZipStream(request.Body, CompressionMode.Decompress) : request.Body;
                await source.CopyToAsync(body);
                receiver._received.Enqueue((signal, body.ToArray()));

                // An empty Export*ServiceResponse: everything accepted.
                return Results.Bytes([], "application/x-protobuf");
            }));
        return receiver;
    }

    /// <summary>Everything received, as text, for looking for what must never be there.</summary>
    public string RawText() => string.Join("\n", Received.Select(r => System.Text.Encoding.UTF8.GetString(r.Body)));

    public async Task<bool> WaitForAsync(Func<OtlpReceiver, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            if (condition(this))
            {
                return true;
            }

            await Task.Delay(100);
        }

        return condition(this);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private IEnumerable<byte[]> Bodies(string signal) => Received.Where(r => r.Signal == signal).Select(r => r.Body);
}

public sealed record OtlpSpan(string Scope, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, IReadOnlyDictionary<string, string> Attributes);

/// <summary>A log record; <c>Severity</c> is the OTLP severity number (5–8 debug, 9–12 info, 13–16 warn, 17–20 error).</summary>
public sealed record OtlpLog(int Severity, string Body, IReadOnlyDictionary<string, string> Attributes);

/// <summary>One data point of a sum (counter): its metric, attributes and value.</summary>
public sealed record OtlpPoint(string Metric, IReadOnlyDictionary<string, string> Attributes, double Value);

/// <summary>
/// Reads the few fields of the OTLP protobuf messages the tests need (opentelemetry/proto v1), field by field with
/// Google.Protobuf's <see cref="CodedInputStream"/>; unknown fields are skipped, as any protobuf reader does.
/// </summary>
public static class OtlpProto
{
    public static IEnumerable<OtlpSpan> ReadSpans(byte[] request)
    {
        // ExportTraceServiceRequest.resource_spans(1) > ResourceSpans.scope_spans(2) > ScopeSpans{scope(1), spans(2)}
        foreach (var resourceSpans in Messages(request, 1))
        {
            foreach (var scopeSpans in Messages(resourceSpans, 2))
            {
                var scope = Messages(scopeSpans, 1).Select(s => String(s, 1)).FirstOrDefault() ?? string.Empty;
                foreach (var span in Messages(scopeSpans, 2))
                {
                    yield return new OtlpSpan(
                        scope,
                        Hex(Bytes(span, 1)),
                        Hex(Bytes(span, 2)),
                        Hex(Bytes(span, 4)),
                        String(span, 5) ?? string.Empty,
                        (int)Varint(span, 6),
                        Attributes(span, 9));
                }
            }
        }
    }

    public static IEnumerable<OtlpLog> ReadLogs(byte[] request)
    {
        // ExportLogsServiceRequest.resource_logs(1) > ResourceLogs.scope_logs(2) > ScopeLogs.log_records(2)
        foreach (var resourceLogs in Messages(request, 1))
        {
            foreach (var scopeLogs in Messages(resourceLogs, 2))
            {
                foreach (var record in Messages(scopeLogs, 2))
                {
                    var body = Messages(record, 5).Select(AnyValue).FirstOrDefault() ?? string.Empty;
                    yield return new OtlpLog((int)Varint(record, 2), body, Attributes(record, 6));
                }
            }
        }
    }

    public static IEnumerable<OtlpPoint> ReadPoints(byte[] request)
    {
        // ExportMetricsServiceRequest.resource_metrics(1) > ResourceMetrics.scope_metrics(2) > ScopeMetrics.metrics(2)
        // > Metric{name(1), sum(7) > Sum.data_points(1) > NumberDataPoint{as_double(4), as_int(6), attributes(7)}}
        foreach (var resourceMetrics in Messages(request, 1))
        {
            foreach (var scopeMetrics in Messages(resourceMetrics, 2))
            {
                foreach (var metric in Messages(scopeMetrics, 2))
                {
                    var name = String(metric, 1) ?? string.Empty;
                    foreach (var sum in Messages(metric, 7))
                    {
                        foreach (var point in Messages(sum, 1))
                        {
                            var value = Fields(point).FirstOrDefault(f => f.Number is 4 or 6);
                            var number = value.Number == 4 ? BitConverter.Int64BitsToDouble((long)value.Scalar) : (long)value.Scalar;
                            yield return new OtlpPoint(name, Attributes(point, 7), number);
                        }
                    }
                }
            }
        }
    }

    public static IEnumerable<string> ReadMetricNames(byte[] request) =>
        Messages(request, 1).SelectMany(r => Messages(r, 2)).SelectMany(s => Messages(s, 2)).Select(m => String(m, 1) ?? string.Empty);

    private static Dictionary<string, string> Attributes(ByteString message, int field)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in Messages(message, field))
        {
            // KeyValue{key(1), value(2): AnyValue}
            attributes[String(keyValue, 1) ?? string.Empty] = Messages(keyValue, 2).Select(AnyValue).FirstOrDefault() ?? string.Empty;
        }

        return attributes;
    }

    // AnyValue{string_value(1), bool_value(2), int_value(3), double_value(4), …}, as text.
    private static string AnyValue(ByteString value)
    {
        foreach (var f in Fields(value))
        {
            return f.Number switch
            {
                1 => f.Bytes!.ToStringUtf8(),
                2 => f.Scalar != 0 ? "true" : "false",
                3 => ((long)f.Scalar).ToString(System.Globalization.CultureInfo.InvariantCulture),
                4 => BitConverter.Int64BitsToDouble((long)f.Scalar).ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => f.Bytes?.ToStringUtf8() ?? string.Empty,
            };
        }

        return string.Empty;
    }

    private static IEnumerable<ByteString> Messages(byte[] message, int field) => Messages(ByteString.CopyFrom(message), field);

    private static IEnumerable<ByteString> Messages(ByteString message, int field) =>
        Fields(message).Where(f => f.Number == field && f.Bytes is not null).Select(f => f.Bytes!);

    private static string? String(ByteString message, int field) => Messages(message, field).Select(b => b.ToStringUtf8()).FirstOrDefault();

    private static ByteString Bytes(ByteString message, int field) => Messages(message, field).FirstOrDefault() ?? ByteString.Empty;

    private static ulong Varint(ByteString message, int field) => Fields(message).FirstOrDefault(f => f.Number == field).Scalar;

    private static string Hex(ByteString bytes) => Convert.ToHexString(bytes.ToByteArray()).ToLowerInvariant();

    private static List<(int Number, ByteString? Bytes, ulong Scalar)> Fields(ByteString message)
    {
        var fields = new List<(int, ByteString?, ulong)>();
        var input = message.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.Varint:
                    fields.Add((number, null, input.ReadUInt64()));
                    break;
                case WireFormat.WireType.Fixed64:
                    fields.Add((number, null, input.ReadFixed64()));
                    break;
                case WireFormat.WireType.Fixed32:
                    fields.Add((number, null, input.ReadFixed32()));
                    break;
                case WireFormat.WireType.LengthDelimited:
                    fields.Add((number, input.ReadBytes(), 0));
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return fields;
    }
}
