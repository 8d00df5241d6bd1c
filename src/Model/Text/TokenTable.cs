using System.Numerics;

namespace TextClassification.Model.Text;

/// <summary>
/// A read-only string → id table for looking token spans up on the hot path: open addressing with linear probing
/// over a power-of-two array kept at most a quarter full, and FNV-1a hashes (placed by Fibonacci hashing) stored beside the keys so most misses
/// never compare characters. Nothing is inserted after construction, so inputs cannot lengthen probe sequences:
/// a fixed hash is safe here (it is not for a table that grows with untrusted keys).
/// </summary>
internal sealed class TokenTable
{
    private readonly int[] slots; // index into keys/ids + 1; 0 = empty
    private readonly uint[] slotHashes;
    private readonly string[] keys;
    private readonly int mask;
    private readonly int shift;

    public TokenTable(IReadOnlyList<string> tokens)
    {
        keys = [.. tokens];
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, tokens.Count * 4));
        slots = new int[capacity];
        slotHashes = new uint[capacity];
        mask = capacity - 1;
        shift = 32 - BitOperations.Log2((uint)capacity);
        for (int id = 0; id < keys.Length; id++)
        {
            uint hash = Hash(keys[id]);
            int slot = Slot(hash);
            while (slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }
            slots[slot] = id + 1;
            slotHashes[slot] = hash;
        }
    }

    /// <summary>The id of <paramref name="token"/>, or -1.</summary>
    public int Find(ReadOnlySpan<char> token)
    {
        uint hash = Hash(token);
        int slot = Slot(hash);
        while (true)
        {
            int entry = slots[slot];
            if (entry == 0)
            {
                return -1;
            }
            if (slotHashes[slot] == hash && token.SequenceEqual(keys[entry - 1]))
            {
                return entry - 1;
            }
            slot = (slot + 1) & mask;
        }
    }

    // Fibonacci hashing takes the well-mixed high bits of the product.
    private int Slot(uint hash) => (int)((hash * 0x9E3779B9u) >> shift);

    private static uint Hash(ReadOnlySpan<char> s)
    {
        uint hash = 2166136261;
        foreach (char c in s)
        {
            hash = (hash ^ c) * 16777619;
        }
        return hash;
    }
}
