using System.Reflection;
using NetArchTest.Rules;

namespace TextClassification.Architecture.Tests;

/// <summary>
/// Which part of the code may use which: checked on the compiled assemblies (every type, member signature and method
/// body, through NetArchTest) and on the assemblies each one references.
/// </summary>
public sealed class DependencyRuleTests
{
    /// <summary>The server's endpoint features: HTTP in, typed results out; inference lives behind the Inference folder.</summary>
    public static TheoryData<string> EndpointNamespaces =>
    [
        "TextClassification.Server.Predictions",
        "TextClassification.Server.OpenInference",
        "TextClassification.Server.Health",
        "TextClassification.Server.Info",
        "TextClassification.Server.OpenApi",
        "TextClassification.Server.Errors",
    ];

    [Fact]
    public void TheModelLibraryDoesNotUseAspNetCoreOrTheGenericHost()
    {
        var rule = Types.InAssembly(Assemblies.Model).ShouldNot().HaveDependencyOnAny("Microsoft.AspNetCore", "Microsoft.Extensions.Hosting");

        AssertHolds(rule, "the model library is TorchSharp only, usable without a web host");
        AssertReferencesNone(Assemblies.Model, "Microsoft.AspNetCore", "Microsoft.Extensions.Hosting");
    }

    [Theory]
    [MemberData(nameof(EndpointNamespaces))]
    public void AnEndpointFeatureDoesNotUseTorchSharp(string feature)
    {
        var types = Types.InAssembly(Assemblies.Server).That().ResideInNamespace(feature);
        Assert.True(types.GetTypes().Any(), $"no types in {feature}: the rule would check nothing (renamed?)");

        AssertHolds(types.ShouldNot().HaveDependencyOn("TorchSharp"), $"{feature} must reach the model through the Inference services, not TorchSharp");
    }

    [Fact]
    public void TheCliDoesNotUseTheServer()
    {
        var rule = Types.InAssembly(Assemblies.Cli).ShouldNot().HaveDependencyOn("TextClassification.Server");

        AssertHolds(rule, "the textclf command uses the model library, not the server");
        AssertReferencesNone(Assemblies.Cli, "Server");
    }

    [Fact]
    public void TheTlsFeatureDoesNotUseTheModelLibrary()
    {
        var types = Types.InAssembly(Assemblies.Server).That().ResideInNamespace("TextClassification.Server.Tls");
        Assert.True(types.GetTypes().Any(), "no types in TextClassification.Server.Tls: the rule would check nothing (renamed?)");

        AssertHolds(types.ShouldNot().HaveDependencyOn("TextClassification.Model"), "TLS set-up knows nothing of the model");
    }

    private static void AssertHolds(ConditionList rule, string because)
    {
        var result = rule.GetResult();
        Assert.True(result.IsSuccessful, $"{because}; broken by: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    private static void AssertReferencesNone(Assembly assembly, params string[] prefixes)
    {
        var forbidden = assembly.GetReferencedAssemblies()
            .Select(reference => reference.Name!)
            .Where(name => prefixes.Any(prefix => name == prefix || name.StartsWith(prefix + ".", StringComparison.Ordinal)))
            .ToList();
        Assert.True(forbidden.Count == 0, $"{assembly.GetName().Name} references {string.Join(", ", forbidden)}");
    }
}
