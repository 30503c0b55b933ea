namespace Mpp.Client.TestSupport;

/// <summary>The repository's root folder (the one holding Mpp.Client.sln), found above the test binaries.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Mpp.Client.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Mpp.Client.sln not found above " + AppContext.BaseDirectory);
    }
}
