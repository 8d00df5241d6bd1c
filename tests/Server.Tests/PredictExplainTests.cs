using System.Net;
using System.Text.Json;
using TextClassification.Model.Inference;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>POST /predict with "explain", "explain_top" and "top_k": what comes back, and every way to get them wrong.</summary>
public sealed class PredictExplainTests(ServerFactory factory) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task ExplainAddsTheExactExplanationOfThePredictedLabel()
    {
        const string Text = "Win a FREE prize now, zyxwq!";
        var answer = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync(JsonSerializer.Serialize(new { text = Text, explain = true })));

        Assert.Equal(["label", "score", "probabilities", "explanation"], answer.EnumerateObject().Select(p => p.Name));
        var explanation = answer.GetProperty("explanation");
        Assert.Equal(["label", "bias", "logit", "tokens"], explanation.EnumerateObject().Select(p => p.Name));
        Assert.Equal(answer.GetProperty("label").GetString(), explanation.GetProperty("label").GetString());
        var tokens = explanation.GetProperty("tokens").EnumerateArray().ToList();
        Assert.All(tokens, t => Assert.Equal(["token", "id", "contribution", "unknown"], t.EnumerateObject().Select(p => p.Name)));

        using var predictor = Predictor.Load(TinyBundle.Path);
        var ids = predictor.Encode(Text);
        Assert.Equal(predictor.Terms(Text), tokens.Select(t => t.GetProperty("token").GetString()));
        Assert.Equal(ids, tokens.Select(t => t.GetProperty("id").GetInt32()));
        Assert.Equal(ids.Select(id => id == predictor.Bundle.Vocabulary.DefaultIndex), tokens.Select(t => t.GetProperty("unknown").GetBoolean()));
        Assert.True(tokens.Single(t => t.GetProperty("token").GetString() == "zyxwq").GetProperty("unknown").GetBoolean());

        double sum = explanation.GetProperty("bias").GetDouble() + tokens.Sum(t => t.GetProperty("contribution").GetDouble());
        double logit = explanation.GetProperty("logit").GetDouble();
        Assert.Equal(logit, sum, 1e-12);
        var prediction = predictor.Predict(Text);
        Assert.Equal(prediction.Logits[prediction.LabelIndex], logit, 1e-5); // a short text: float32 rounding only
        var direct = predictor.Explain(Text, ids, prediction.LabelIndex);
        Assert.Equal(direct.Tokens.Select(t => t.Contribution), tokens.Select(t => t.GetProperty("contribution").GetDouble()));
    }

    [Fact]
    public async Task WithoutExplainTheAnswerIsUnchanged()
    {
        var plain = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync("""{"text":"free prize"}"""));
        var explicitlyOff = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync("""{"text":"free prize","explain":false}"""));
        var explained = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync("""{"text":"free prize","explain":true}"""));

        Assert.Equal(["label", "score", "probabilities"], plain.EnumerateObject().Select(p => p.Name));
        Assert.Equal(plain.GetRawText(), explicitlyOff.GetRawText());
        Assert.Equal(plain.GetProperty("probabilities").GetRawText(), explained.GetProperty("probabilities").GetRawText());
        Assert.Equal(plain.GetProperty("score").GetSingle(), explained.GetProperty("score").GetSingle());
    }

    [Fact]
    public async Task ExplainTopKeepsTheLargestContributionsInTheModelsOrder()
    {
        const string Text = "please review the report, win a free prize now";
        var all = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync(JsonSerializer.Serialize(new { text = Text, explain = true })));
        var top = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync(JsonSerializer.Serialize(new { text = Text, explain = true, explain_top = 3 })));
        var more = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync(JsonSerializer.Serialize(new { text = Text, explain = true, explain_top = 1000 })));

        var allTokens = all.GetProperty("explanation").GetProperty("tokens").EnumerateArray().Select((t, i) => (Index: i, Raw: t.GetRawText(), Size: Math.Abs(t.GetProperty("contribution").GetDouble()))).ToList();
        var expected = allTokens.OrderByDescending(t => t.Size).ThenBy(t => t.Index).Take(3).OrderBy(t => t.Index).Select(t => t.Raw);
        Assert.Equal(expected, top.GetProperty("explanation").GetProperty("tokens").EnumerateArray().Select(t => t.GetRawText()));
        Assert.Equal(all.GetProperty("explanation").GetProperty("logit").GetDouble(), top.GetProperty("explanation").GetProperty("logit").GetDouble());
        Assert.Equal(all.GetRawText(), more.GetRawText());
    }

    [Fact]
    public async Task ExplainWorksForABatchAndATextWithoutTokens()
    {
        var answer = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync("""{"texts":["free prize now",";;; :::","the report"],"explain":true}"""));

        var predictions = answer.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(3, predictions.Count);
        Assert.All(predictions, p => Assert.Equal(p.GetProperty("label").GetString(), p.GetProperty("explanation").GetProperty("label").GetString()));
        var empty = predictions[1].GetProperty("explanation");
        Assert.Equal(0, empty.GetProperty("tokens").GetArrayLength());
        Assert.Equal(empty.GetProperty("bias").GetDouble(), empty.GetProperty("logit").GetDouble());
    }

    [Fact]
    public async Task TopKReturnsOnlyTheMostProbableLabelsMostProbableFirst()
    {
        var all = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync("""{"text":"lunch meeting about the report"}"""));
        var one = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync("""{"text":"lunch meeting about the report","top_k":1}"""));
        var many = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync("""{"text":"lunch meeting about the report","top_k":5}"""));

        var probabilities = one.GetProperty("probabilities").EnumerateObject().ToList();
        var best = Assert.Single(probabilities);
        Assert.Equal(one.GetProperty("label").GetString(), best.Name);
        Assert.Equal(one.GetProperty("score").GetSingle(), best.Value.GetSingle());
        Assert.Equal(all.GetProperty("label").GetString(), one.GetProperty("label").GetString());
        Assert.Equal(all.GetProperty("score").GetSingle(), one.GetProperty("score").GetSingle());
        Assert.Equal(all.GetRawText(), many.GetRawText()); // more than there are: every label, in label order as without top_k
    }

    [Fact]
    public async Task TopKAndExplainTogether()
    {
        var answer = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync("""{"texts":["free prize now"],"top_k":1,"explain":true,"explain_top":1}"""));

        var prediction = answer.GetProperty("predictions")[0];
        Assert.Single(prediction.GetProperty("probabilities").EnumerateObject());
        Assert.Single(prediction.GetProperty("explanation").GetProperty("tokens").EnumerateArray());
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { """{"text":"a","explain":"true"}""", "\"explain\" must be true or false, not a string" },
        { """{"text":"a","explain":1}""", "\"explain\" must be true or false, not a number" },
        { """{"text":"a","explain":null}""", "\"explain\" must be true or false, not null" },
        { """{"text":"a","explain":true,"explain":true}""", "\"explain\" appears more than once" },
        { """{"text":"a","explain_top":2}""", "\"explain_top\" needs \"explain\": true" },
        { """{"text":"a","explain":false,"explain_top":2}""", "\"explain_top\" needs \"explain\": true" },
        { """{"text":"a","explain":true,"explain_top":0}""", "\"explain_top\" must be a whole number of at least 1, not 0" },
        { """{"text":"a","explain":true,"explain_top":1.5}""", "\"explain_top\" must be a whole number of at least 1, not 1.5" },
        { """{"text":"a","explain":true,"explain_top":"3"}""", "\"explain_top\" must be a whole number of at least 1, not a string" },
        { """{"text":"a","top_k":0}""", "\"top_k\" must be a whole number of at least 1, not 0" },
        { """{"text":"a","top_k":-2}""", "\"top_k\" must be a whole number of at least 1, not -2" },
        { """{"text":"a","top_k":null}""", "\"top_k\" must be a whole number of at least 1, not null" },
        { """{"text":"a","top_k":[1]}""", "\"top_k\" must be a whole number of at least 1, not an array" },
        { """{"text":"a","top_k":1,"top_k":2}""", "\"top_k\" appears more than once" },
        { """{"text":"a","topK":1}""", "Unknown property \"topK\"; only \"text\" or \"texts\" is accepted, and optionally \"explain\", \"explain_top\", \"top_k\"" },
        { """{"explain":true}""", "neither \"text\" nor \"texts\"" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task PredictRejectsAWrongOptionWithADetailThatSaysWhatIsWrong(string body, string detail)
    {
        var problem = await ServerFactory.ReadProblemAsync(await factory.PostJsonAsync(body), HttpStatusCode.BadRequest);

        Assert.Contains(detail, problem.Detail, StringComparison.Ordinal);
    }
}
