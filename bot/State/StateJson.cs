using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace SupportBot.Bot.State;

/// <summary>
/// How state is written to Redis. Bot Framework state needs type names to round-trip (BotState expects the
/// stored dictionary and typed values back, as MemoryStorage does), but type names from a store must never
/// pick arbitrary types: the binder only admits our own types, Bot Framework schema types, JSON tokens,
/// primitives and generic collections of those.
/// </summary>
internal static class StateJson
{
    public static readonly JsonSerializerSettings Settings = new()
    {
        // Type names only where the declared type doesn't say it (the stored dictionary and its values), not on every
        // nested object: half the document, and it is written and read on every turn. Write with typeof(object).
        TypeNameHandling = TypeNameHandling.Auto,
        SerializationBinder = new AllowListBinder(),
        NullValueHandling = NullValueHandling.Include,
        DateParseHandling = DateParseHandling.DateTimeOffset,
        MaxDepth = 64,
    };

    private sealed class AllowListBinder : ISerializationBinder
    {
        private static readonly string[] AllowedAssemblyPrefixes =
            ["SupportBot.", "Microsoft.Bot.Schema", "Microsoft.Bot.Builder", "Newtonsoft.Json"];

        private static readonly string[] AllowedCoreNamespaces = ["System.Collections.Generic", "System.Collections.ObjectModel"];

        private readonly DefaultSerializationBinder _inner = new();

        public Type BindToType(string? assemblyName, string typeName)
        {
            var type = _inner.BindToType(assemblyName, typeName);
            if (!IsAllowed(type))
            {
                throw new JsonSerializationException($"Type '{typeName}' is not allowed in stored bot state.");
            }

            return type;
        }

        public void BindToName(Type serializedType, out string? assemblyName, out string? typeName) =>
            _inner.BindToName(serializedType, out assemblyName, out typeName);

        private static bool IsAllowed(Type type)
        {
            if (type.IsArray)
            {
                return IsAllowed(type.GetElementType()!);
            }

            if (type.IsGenericType && !type.IsGenericTypeDefinition)
            {
                return IsAllowed(type.GetGenericTypeDefinition()) && type.GetGenericArguments().All(IsAllowed);
            }

            if (type.IsPrimitive || type.IsEnum && IsAllowedAssembly(type) || type == typeof(string) || type == typeof(object) ||
                type == typeof(decimal) || type == typeof(DateTime) || type == typeof(DateTimeOffset) ||
                type == typeof(TimeSpan) || type == typeof(Guid) || type == typeof(Uri))
            {
                return true;
            }

            if (type.Assembly == typeof(object).Assembly || type.Assembly == typeof(List<>).Assembly)
            {
                return type.Namespace is { } ns && AllowedCoreNamespaces.Contains(ns);
            }

            return IsAllowedAssembly(type);
        }

        private static bool IsAllowedAssembly(Type type)
        {
            var name = type.Assembly.GetName().Name ?? string.Empty;
            return AllowedAssemblyPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
        }
    }
}
