using System.Xml.Linq;

namespace TextClassification.Architecture.Tests;

/// <summary>
/// The same rules on the project files, where the compiled assemblies cannot show them: a reference added but not yet
/// used leaves no trace in the compiled metadata, and a framework reference brings in all of ASP.NET Core at once.
/// </summary>
public sealed class ProjectReferenceTests
{
    [Fact]
    public void TheModelProjectReferencesNeitherAspNetCoreNorTheGenericHost()
    {
        var project = Load("src/Model/Model.csproj");

        string[] forbidden =
        [
            .. Includes(project, "FrameworkReference"),
            .. Includes(project, "PackageReference").Where(package =>
                package.StartsWith("Microsoft.AspNetCore", StringComparison.OrdinalIgnoreCase)
                || package.StartsWith("Microsoft.Extensions.Hosting", StringComparison.OrdinalIgnoreCase)),
            .. Includes(project, "ProjectReference"),
        ];

        Assert.Equal("Microsoft.NET.Sdk", project.Root!.Attribute("Sdk")?.Value);
        Assert.True(forbidden.Length == 0, "src/Model/Model.csproj must stay TorchSharp only; it references " + string.Join(", ", forbidden));
    }

    [Fact]
    public void TheCliProjectDoesNotReferenceTheServer()
    {
        var project = Load("src/Cli/Cli.csproj");

        var server = Includes(project, "ProjectReference").Where(path => path.Replace('\\', '/').EndsWith("/Server.csproj", StringComparison.OrdinalIgnoreCase)).ToList();

        Assert.Equal("Microsoft.NET.Sdk", project.Root!.Attribute("Sdk")?.Value);
        Assert.True(server.Count == 0, "src/Cli/Cli.csproj must not reference the server; it references " + string.Join(", ", server));
    }

    private static XDocument Load(string relativePath) => XDocument.Load(Path.Combine(RepoPaths.Root, relativePath));

    private static IEnumerable<string> Includes(XDocument project, string item) =>
        project.Descendants(item).Select(element => element.Attribute("Include")?.Value ?? element.Attribute("Update")?.Value ?? "");
}
