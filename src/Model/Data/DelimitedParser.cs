using System.Text;

namespace TextClassification.Model.Data;

/// <summary>RFC 4180 records: quoted fields may hold delimiters, doubled quotes and line breaks.</summary>
internal sealed class DelimitedParser(StreamReader reader, char delimiter)
{
    private int line;

    /// <summary>The 1-based line on which the last record read starts.</summary>
    public int RecordLine { get; private set; }

    /// <summary>The next record's fields, or null at the end of the file; a blank line is one empty field.</summary>
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
        bool wasQuoted = false;
        while (true)
        {
            int next = reader.Read();
            if (next is < 0 or '\n' or '\r')
            {
                if (next == '\r' && reader.Peek() == '\n')
                {
                    reader.Read();
                }
                fields.Add(field.ToString());
                return fields;
            }
            char c = (char)next;
            if (c == '"' && field.Length == 0 && !wasQuoted)
            {
                ReadQuoted(field);
                wasQuoted = true;
            }
            else if (c == delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
                wasQuoted = false;
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

    /// <summary>Appends a quoted field's content up to its closing quote (the opening one is already read).</summary>
    private void ReadQuoted(StringBuilder field)
    {
        while (true)
        {
            int next = reader.Read();
            if (next < 0)
            {
                throw new FormatException("a quoted field is not closed before the end of the file");
            }
            if (next == '"')
            {
                if (reader.Peek() != '"')
                {
                    return;
                }
                reader.Read(); // a doubled quote stands for one
            }
            else if (next == '\n')
            {
                line++;
            }
            field.Append((char)next);
        }
    }
}
