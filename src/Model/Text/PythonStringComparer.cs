namespace TextClassification.Model.Text;

/// <summary>Orders strings by code point, as Python compares <c>str</c> values (UTF-16 ordinal order differs above U+FFFF).</summary>
internal sealed class PythonStringComparer : IComparer<string>
{
    public static PythonStringComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }
        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            int a = x.ConvertToUtf32OrSelf(i, out int wa);
            int b = y.ConvertToUtf32OrSelf(j, out int wb);
            if (a != b)
            {
                return a.CompareTo(b);
            }
            i += wa;
            j += wb;
        }
        return (x.Length - i).CompareTo(y.Length - j);
    }
}
