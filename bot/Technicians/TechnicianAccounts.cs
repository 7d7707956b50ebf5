using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SupportBot.Skills.Tickets;

namespace SupportBot.Bot.Technicians;

/// <summary>
/// The technicians who may sign in with a password: those in <c>Tickets:Technicians</c>, or, in the Development
/// environment when there are none, one account <c>tech</c> with a password made up at start.
/// </summary>
public sealed class TechnicianAccounts
{
    public const string DevelopmentUserName = "tech";

    /// <summary>Longest user name looked at; longer input is a wrong user name, not something to hash.</summary>
    public const int MaxUserNameLength = 100;

    /// <summary>Longest password looked at (PBKDF2 time grows with the input).</summary>
    public const int MaxPasswordLength = 512;

    // The development password is random (about 95 bits): stretching it adds nothing, and a cheap hash keeps the
    // many test hosts that run as Development fast to start.
    private const int DevelopmentIterations = TechnicianPasswords.MinIterations;

    private readonly Dictionary<string, Account> _accounts;

    // Unknown user names are checked against this, so a wrong name takes as long as a wrong password.
    private readonly PasswordHash _decoy;

    public TechnicianAccounts(IOptions<TicketOptions> options, IHostEnvironment environment)
    {
        var configured = options.Value.Technicians;
        _accounts = new Dictionary<string, Account>(StringComparer.OrdinalIgnoreCase);
        foreach (var account in configured)
        {
            if (TechnicianPasswords.TryParse(account.PasswordHash, out var hash, out _))
            {
                var userName = account.UserName.Trim();
                var displayName = string.IsNullOrWhiteSpace(account.DisplayName) ? userName : account.DisplayName.Trim();
                _accounts.TryAdd(userName, new Account(new Technician(userName, displayName), hash!, account.Admin));
            }
        }

        if (configured.Count == 0 && environment.IsDevelopment())
        {
            DevelopmentPassword = RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 16);
            var hash = TechnicianPasswords.Parse(TechnicianPasswords.Hash(DevelopmentPassword, DevelopmentIterations));
            // It exists in Development only, and there it is the admin too, so the insight page can be tried out.
            _accounts[DevelopmentUserName] = new Account(new Technician(DevelopmentUserName, "Technician (development)"), hash, Admin: true);
        }

        var strongest = _accounts.Values.Select(a => a.Hash.Iterations).DefaultIfEmpty(TechnicianPasswords.DefaultIterations).Max();
        _decoy = new PasswordHash(strongest, RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(32));
    }

    /// <summary>The generated password of the Development account, or null when there is none.</summary>
    public string? DevelopmentPassword { get; }

    public int Count => _accounts.Count;

    /// <summary>The technician with this user name, whatever the password (for checking a signed-in session is still allowed).</summary>
    public Technician? Find(string userName) =>
        _accounts.TryGetValue(userName, out var account) ? account.Technician : null;

    /// <summary>Whether the account may read the insight page (<c>Admin: true</c>, or the Development account).</summary>
    public bool IsAdmin(string userName) =>
        _accounts.TryGetValue(userName, out var account) && account.Admin;

    /// <summary>The technician when the user name and password match an account; null otherwise, in about the same time.</summary>
    public Technician? Verify(string? userName, string? password)
    {
        var name = userName?.Trim() ?? string.Empty;
        password ??= string.Empty;
        if (name.Length is 0 or > MaxUserNameLength || password.Length > MaxPasswordLength)
        {
            return null;
        }

        if (!_accounts.TryGetValue(name, out var account))
        {
            TechnicianPasswords.Verify(password, _decoy);
            return null;
        }

        return TechnicianPasswords.Verify(password, account.Hash) ? account.Technician : null;
    }

    private sealed record Account(Technician Technician, PasswordHash Hash, bool Admin);
}
