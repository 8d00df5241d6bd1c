using System.IO.Compression;
using TextClassification.Model.Data;

namespace TextClassification.Model.Tests;

public sealed class DataFileTests
{
    [Fact]
    public void ReadsCsvWithQuotesCommasAndLineBreaks() => Assert.Equal(
        [new LabeledText("free, \"really\" free\nmoney", "spam", 2), new LabeledText("hello", "ham", 4)],
        ReadCsv("label,text\nspam,\"free, \"\"really\"\" free\nmoney\"\nham,hello\n"));

    [Fact]
    public void CountsLinesAcrossWindowsLineEndingsAndQuotedLineBreaks() => Assert.Equal(
        [new LabeledText("two\nlines", "spam", 2), new LabeledText("last", "ham", 5)],
        ReadCsv("text,label\r\n\"two\nlines\",spam\r\n\r\nlast,ham"));

    [Fact]
    public void ReadsTsvAndGzippedJsonl()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("d.tsv"), "text\tlabel\nhi there\tham\n");
        Assert.Equal("ham", DataFile.Read(dir.File("d.tsv"))[0].Label);
        using (var gz = new GZipStream(File.Create(dir.File("d.jsonl.gz")), CompressionLevel.Fastest))
        using (var writer = new StreamWriter(gz))
        {
            writer.Write("{\"text\": \"a\", \"label\": \"x\"}\n\n{\"text\": \"b\", \"label\": 3}\n");
        }
        Assert.Equal([new LabeledText("a", "x", 1), new LabeledText("b", "3", 3)], DataFile.Read(dir.File("d.jsonl.gz")));
    }

    [Theory]
    [InlineData(".jsonl", "{\"text\": \"hi\", \"label\": \"ham\"}\n")]
    [InlineData(".ndjson", "{\"text\": \"hi\", \"label\": \"ham\"}\n")]
    [InlineData(".json", "{\"text\": \"hi\", \"label\": \"ham\"}\n")]
    [InlineData(".csv", "text,label\nhi,ham\n")]
    [InlineData(".tsv", "text\tlabel\nhi\tham\n")]
    [InlineData(".tab", "text\tlabel\nhi\tham\n")]
    public void EveryAdvertisedExtensionIsSupportedAndReadable(string extension, string content)
    {
        Assert.Contains(extension, DataFile.Extensions);
        using var dir = new TempDir();
        string path = dir.File("d" + extension.ToUpperInvariant());
        File.WriteAllText(path, content);
        Assert.True(DataFile.IsSupported(path));
        Assert.True(DataFile.IsSupported(path + ".gz"));
        Assert.Equal([new LabeledText("hi", "ham", content.StartsWith('{') ? 1 : 2)], DataFile.Read(path));
    }

    [Fact]
    public void ExtensionsListsExactlyTheSupportedFormats() =>
        Assert.Equal([".csv", ".json", ".jsonl", ".ndjson", ".tab", ".tsv"], DataFile.Extensions.Order(StringComparer.Ordinal));

    [Theory]
    [InlineData("notes.txt")]
    [InlineData("data.gz")]
    [InlineData("archive.csv.zip")]
    [InlineData("csv")]
    public void OtherFileNamesAreNotSupported(string path) => Assert.False(DataFile.IsSupported(path));

    [Theory]
    [InlineData("d.jsonl", "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\"\n", ":2: is not valid JSON")]
    [InlineData("d.jsonl", "{\"text\": \"a\", \"label\": \"x\"}\n[1]\n", ":2: is a JSON array")]
    [InlineData("d.jsonl", "{\"text\": 5, \"label\": \"x\"}\n", ":1: needs a string \"text\"")]
    [InlineData("d.jsonl", "{\"text\": \"a\"}\n", ":1: needs a \"label\"")]
    [InlineData("d.jsonl", "{\"text\": \"a\\ud800b\", \"label\": \"x\"}\n", ":1: \"text\" holds an unpaired UTF-16 surrogate")]
    [InlineData("d.csv", "text,label\na,b\nc\n", ":3: has 1 field(s); the header has 2")]
    [InlineData("d.csv", "body,category\na,b\n", ":1: header must name a \"text\" and a \"label\" column")]
    [InlineData("d.csv", "text,label\n\"open,b\n", ":2: a quoted field is not closed")]
    [InlineData("d.csv", "text,label\n\"a\"b,c\n", ":2: unexpected character 'b' after a closing quote")]
    [InlineData("d.csv", "text,label\na,\n", ":2: has an empty label")]
    [InlineData("d.txt", "hello", "unknown extension \".txt\"")]
    [InlineData("d.csv", "text,label\n", "holds no records")]
    public void MalformedRecordsNameTheFileAndLine(string name, string content, string expected)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File(name), content);
        var ex = Assert.Throws<DataFormatException>(() => DataFile.Read(dir.File(name)));
        Assert.StartsWith(dir.File(name), ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShippedDataHasBothLabelsAndAnEightyTwentySplit()
    {
        var train = DataFile.Read(Path.Combine(RepoPaths.Data, "train.jsonl.gz"));
        var test = DataFile.Read(Path.Combine(RepoPaths.Data, "test.jsonl.gz"));
        Assert.Equal(["ham", "spam"], train.Select(r => r.Label).Distinct().Order(StringComparer.Ordinal));
        Assert.InRange((double)test.Count / (train.Count + test.Count), 0.19, 0.21);
    }

    private static IReadOnlyList<LabeledText> ReadCsv(string content)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("d.csv"), content);
        return DataFile.Read(dir.File("d.csv"));
    }
}
