using System.Globalization;
using System.Security.Cryptography;

namespace SupportBot.Bot.Technicians;

/// <summary>A parsed <c>PBKDF2-SHA256$iterations$saltBase64$hashBase64</c> password hash.</summary>
public sealed record PasswordHash(int Iterations, byte[] Salt, byte[] Hash);

/// <summary>
/// Technician passwords, stored only as PBKDF2-SHA256 hashes (<c>PBKDF2-SHA256$iterations$saltBase64$hashBase64</c>)
/// and compared in constant time.
/// </summary>
public static class TechnicianPasswords
{
    public const string Algorithm = "PBKDF2-SHA256";

    /// <summary>OWASP's current recommendation for PBKDF2-HMAC-SHA256.</summary>
    public const int DefaultIterations = 600_000;

    public const int MinIterations = 10_000;

    /// <summary>Above this one sign-in would tie up a core for seconds: a typo in the settings, not a policy.</summary>
    public const int MaxIterations = 10_000_000;

    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>Hashes a password with a new random salt, in the format <c>Tickets:Technicians:N:PasswordHash</c> takes.</summary>
    public static string Hash(string password, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinIterations);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaxIterations);

        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join(
            '$',
            Algorithm,
            iterations.ToString(CultureInfo.InvariantCulture),
            Convert.ToBase64String(salt),
            Convert.ToBase64String(hash));
    }

    /// <summary>Reads a stored hash; <paramref name="problem"/> says what is wrong with a malformed one.</summary>
    public static bool TryParse(string? encoded, out PasswordHash? hash, out string? problem)
    {
        hash = null;
        var parts = (encoded ?? string.Empty).Trim().Split('$');
        if (parts.Length != 4 || parts[0] != Algorithm)
        {
            problem = $"must have the form {Algorithm}$iterations$saltBase64$hashBase64 (create one with 'dotnet run --project bot -- hash-password')";
            return false;
        }

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) ||
            iterations < MinIterations || iterations > MaxIterations)
        {
            problem = $"has an iteration count '{parts[1]}' outside {MinIterations}..{MaxIterations}";
            return false;
        }

        byte[] salt;
        byte[] derived;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            derived = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            problem = "has a salt or hash that is not valid Base64";
            return false;
        }

        if (salt.Length < 8 || derived.Length is < 16 or > 64)
        {
            problem = "has a salt shorter than 8 bytes or a hash not 16 to 64 bytes long";
            return false;
        }

        hash = new PasswordHash(iterations, salt, derived);
        problem = null;
        return true;
    }

    public static PasswordHash Parse(string encoded) =>
        TryParse(encoded, out var hash, out var problem) ? hash! : throw new FormatException($"The password hash {problem}.");

    /// <summary>True when <paramref name="password"/> is the one hashed; the comparison takes the same time either way.</summary>
    public static bool Verify(string password, PasswordHash hash)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(hash);
        var candidate = Rfc2898DeriveBytes.Pbkdf2(password, hash.Salt, hash.Iterations, HashAlgorithmName.SHA256, hash.Hash.Length);
        return CryptographicOperations.FixedTimeEquals(candidate, hash.Hash);
    }
}
