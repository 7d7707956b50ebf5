namespace SupportBot.Infra.Tests.Infrastructure;

/// <summary>
/// A throw-away copy of infra/ (templates, modules, linter config, parameter files) for the commands that write
/// next to their input (<c>bicep snapshot</c>) and for the tests' own parameter files.
/// </summary>
internal sealed class InfraCopy : IDisposable
{
    public InfraCopy()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("supportbot-infra-").FullName;
        foreach (var file in System.IO.Directory.EnumerateFiles(Repository.Infra))
        {
            File.Copy(file, System.IO.Path.Combine(Directory, System.IO.Path.GetFileName(file)));
        }

        var modules = System.IO.Directory.CreateDirectory(System.IO.Path.Combine(Directory, "modules")).FullName;
        foreach (var file in System.IO.Directory.EnumerateFiles(System.IO.Path.Combine(Repository.Infra, "modules"), "*.bicep"))
        {
            File.Copy(file, System.IO.Path.Combine(modules, System.IO.Path.GetFileName(file)));
        }
    }

    public string Directory { get; }

    public string Path(string name) => System.IO.Path.Combine(Directory, name);

    /// <summary>Writes a parameters file next to main.bicep and returns its file name.</summary>
    public string WriteParameters(string name, string text)
    {
        File.WriteAllText(Path(name), text);
        return name;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test run for.
        }
    }
}
