using System.Text;

namespace TextClassification.Model.Data;

/// <summary>RFC 4180 records: quoted fields may hold delimiters, doubled quotes and line breaks.</summary>
internal sealed class DelimitedParser(StreamReader reader, char delimiter)
{
    private int line;

    public int RecordLine { get; private set; }

    public List<string>? ReadRecord()
    {
        if (reader.Peek() < 0)
        {
            return null;
        }
        line++;
        RecordLine = line;
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, wasQuoted = false;
        while (true)
        {
            int next = reader.Read();
            if (next < 0)
            {
                if (quoted)
                {
                    throw new FormatException("a quoted field is not closed before the end of the file");
                }
                fields.Add(field.ToString());
                return fields;
            }
            char c = (char)next;
            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0 && !wasQuoted)
            {
                quoted = wasQuoted = true;
            }
            else if (c == delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
                wasQuoted = false;
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && reader.Peek() == '\n')
                {
                    reader.Read();
                }
                fields.Add(field.ToString());
                return fields;
            }
            else if (wasQuoted)
            {
                throw new FormatException($"unexpected character '{c}' after a closing quote");
            }
            else
            {
                field.Append(c);
            }
        }
    }
}
