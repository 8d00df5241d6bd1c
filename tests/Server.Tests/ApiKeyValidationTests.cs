using Microsoft.Extensions.Hosting.Internal;
using TextClassification.Server.Security;

namespace TextClassification.Server.Tests;

/// <summary>Which keys are accepted at startup, how they are matched, and that no message ever quotes one.</summary>
public sealed class ApiKeyValidationTests : IDisposable
{
    private const string GoodKey = "k3y-0123456789abcdef0123456789abcdef";
    private static readonly byte[] Secret = [1, 2, 3, 4];

    private readonly TempDir directory = new();

    public void Dispose() => directory.Dispose();

    [Theory]
    [InlineData("short-secret", "Auth:ApiKeys:0 is 12 characters long; an API key needs at least 32")]
    [InlineData("0123456789abcdef0123456789abcde", "Auth:ApiKeys:0 is 31 characters long")]
    [InlineData("0123456789abcdef 0123456789abcdef", "Auth:ApiKeys:0 contains a space")]
    [InlineData("0123456789abcdef0123456789abcdefé", "Auth:ApiKeys:0 contains a space, a control character or a non-ASCII character")]
    public void AnUnusableKeyInSettingsIsRefusedByItsSettingWithoutQuotingIt(string key, string expected)
    {
        var options = new ApiKeyOptions();
        options.ApiKeys.Add(key);

        var result = Validator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(key, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void AKeyOfExactly32CharactersWithSurroundingWhitespaceIsAccepted()
    {
        var options = new ApiKeyOptions();
        options.AdminKeys.Add("  0123456789abcdef0123456789abcdef\n");

        Assert.True(Validator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void AKeyFileLineThatIsNotAKeyIsRefusedByFileAndLineNumber()
    {
        File.WriteAllText(directory.File("keys"), $"# comment\n\n  {GoodKey}  \nnot-a-key\n");
        var options = new ApiKeyOptions { ApiKeysFile = "keys" };

        var result = Validator().Validate(null, options);

        Assert.Contains($"Auth:ApiKeysFile {directory.File("keys")}: line 4 is 9 characters long", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-key", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void AKeyFileSkipsCommentsAndBlankLinesAndTrimsKeys()
    {
        var file = ApiKeyFile.Parse($"# keys for team A\r\n\r\n  {GoodKey}\t\r\n# {GoodKey}x\r\n");

        Assert.Equal([GoodKey], file.Keys);
        Assert.Empty(file.Problems);
    }

    [Fact]
    public void AKeySetFindsExactlyItsKeysWithTheirRoles()
    {
        var set = ApiKeySet.Create([(GoodKey, AuthPolicies.Inference), ("other-0123456789abcdef0123456789abcdef", AuthPolicies.Admin), (GoodKey, AuthPolicies.Admin)], Secret);

        Assert.Equal([AuthPolicies.Inference, AuthPolicies.Admin], set.Find(GoodKey)!.Roles);
        Assert.Null(set.Find(GoodKey + "x"));
        Assert.Null(set.Find(GoodKey.AsSpan(0, GoodKey.Length - 1)));
        Assert.Null(set.Find(""));
        Assert.Equal(2, set.CountWith(AuthPolicies.Admin));
    }

    [Fact]
    public void AKeyKeepsItsRateLimitBucketAcrossReloadsAndTheBucketIdRevealsNoDigest()
    {
        var first = ApiKeySet.Create([(GoodKey, AuthPolicies.Inference)], Secret).Find(GoodKey)!;
        var reloaded = ApiKeySet.Create([("other-0123456789abcdef0123456789abcdef", AuthPolicies.Inference), (GoodKey, AuthPolicies.Inference)], Secret).Find(GoodKey)!;
        var otherProcess = ApiKeySet.Create([(GoodKey, AuthPolicies.Inference)], [9, 9, 9]).Find(GoodKey)!;

        Assert.Equal(first.PartitionId, reloaded.PartitionId);
        Assert.NotEqual(first.PartitionId, otherProcess.PartitionId);
        Assert.DoesNotContain(Convert.ToHexString(first.Digest)[..16], first.PartitionId, StringComparison.OrdinalIgnoreCase);
    }

    private ApiKeyOptionsValidator Validator() => new(new HostingEnvironment { ContentRootPath = directory.Path });
}
