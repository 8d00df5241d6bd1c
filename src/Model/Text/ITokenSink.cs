namespace TextClassification.Model.Text;

/// <summary>Receives tokens as spans over a buffer that is reused: copy what must outlive the call.</summary>
public interface ITokenSink
{
    void Add(ReadOnlySpan<char> token);
}
