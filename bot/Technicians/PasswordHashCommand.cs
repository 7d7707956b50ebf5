using System.Text;

namespace SupportBot.Bot.Technicians;

/// <summary>
/// <c>dotnet run --project bot -- hash-password</c>: reads a password from standard input (without echoing it when
/// typed) and prints the hash to put in <c>Tickets:Technicians:N:PasswordHash</c>. Nothing else of the bot starts.
/// </summary>
public static class PasswordHashCommand
{
    public const string Name = "hash-password";

    /// <summary>Runs the command when <paramref name="args"/> asks for it; false means "start the bot as usual".</summary>
    public static bool TryRun(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (!IsRequested(args))
        {
            return false;
        }

        Environment.ExitCode = Run(Console.In, Console.Out, Console.Error, interactive: !Console.IsInputRedirected);
        return true;
    }

    internal static bool IsRequested(string[] args) =>
        args.Length > 0 && string.Equals(args[0], Name, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads the password and prints its hash; returns the process exit code.</summary>
    internal static int Run(TextReader input, TextWriter output, TextWriter error, bool interactive)
    {
        string? password;
        if (interactive)
        {
            password = ReadHidden(error, "Technician password: ");
            var again = ReadHidden(error, "Same password again: ");
            if (!string.Equals(password, again, StringComparison.Ordinal))
            {
                error.WriteLine("The two passwords differ; nothing was hashed.");
                return 1;
            }
        }
        else
        {
            // Piped: the first line is the password (echo 'secret' | dotnet run --project bot -- hash-password).
            password = input.ReadLine();
        }

        if (string.IsNullOrEmpty(password))
        {
            error.WriteLine("No password was given; nothing was hashed.");
            return 1;
        }

        if (password.Length < 12)
        {
            error.WriteLine("Warning: passwords shorter than 12 characters are easy to guess.");
        }

        output.WriteLine(TechnicianPasswords.Hash(password));
        error.WriteLine("Put this in Tickets:Technicians:N:PasswordHash (user-secrets, an environment variable or Key Vault).");
        return 0;
    }

    private static string ReadHidden(TextWriter prompt, string label)
    {
        prompt.Write(label);
        var typed = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (typed.Length > 0)
                {
                    typed.Length--;
                }

                continue;
            }

            if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }

        prompt.WriteLine();
        return typed.ToString();
    }
}
