using TextClassification.Server.Errors;

namespace TextClassification.Server.Tests;

public sealed class ClientTextTests
{
    [Theory]
    [InlineData("/srv/textclf/models/v7/config.json: is missing", "v7/config.json: is missing")]
    [InlineData("Access to the path '/home/app/.secret/models/v7/config.json' is denied.", "Access to the path 'v7/config.json' is denied.")]
    [InlineData("/nonexistent/bundle: does not exist (nor does /opt/app/nonexistent/bundle)", "nonexistent/bundle: does not exist (nor does nonexistent/bundle)")]
    [InlineData("/model_weights.pth: truncated", "model_weights.pth: truncated")]
    [InlineData("state_dict has shape [3, 8]; see https://pytorch.org/docs/a/b/c", "state_dict has shape [3, 8]; see https://pytorch.org/docs/a/b/c")]
    [InlineData("vocab/vocab.json and a ratio 1/2", "vocab/vocab.json and a ratio 1/2")]
    public void AbsolutePathsAreCutToTheBundleAndFileName(string message, string expected)
    {
        Assert.Equal(expected, ClientText.WithoutPaths(message));
    }

    [Fact]
    public void ABundleIsNamedWithoutItsLocation()
    {
        Assert.Equal("v7", ClientText.NameOf("/srv/textclf/models/v7/"));
    }
}
