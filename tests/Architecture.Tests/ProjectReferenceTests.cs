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

        Assert.Equal("Microsoft.NET.Sdk", project.Root!.Attribute("Sdk")?.Value);
        Assert.Empty(Includes(project, "FrameworkReference"));
        Assert.DoesNotContain(Includes(project, "PackageReference"),
            package => package.StartsWith("Microsoft.AspNetCore", StringComparison.OrdinalIgnoreCase)
                || package.StartsWith("Microsoft.Extensions.Hosting", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(Includes(project, "ProjectReference"));
    }

    [Fact]
    public void TheCliProjectDoesNotReferenceTheServer()
    {
        var project = Load("src/Cli/Cli.csproj");

        Assert.Equal("Microsoft.NET.Sdk", project.Root!.Attribute("Sdk")?.Value);
        Assert.Equal(["../Model/Model.csproj"], Includes(project, "ProjectReference").Select(path => path.Replace('\\', '/')));
    }

    private static XDocument Load(string relativePath) => XDocument.Load(Path.Combine(RepoPaths.Root, relativePath));

    private static List<string> Includes(XDocument project, string item) =>
        [.. project.Descendants(item).Select(element => element.Attribute("Include")?.Value ?? element.Attribute("Update")?.Value ?? "")];
}
