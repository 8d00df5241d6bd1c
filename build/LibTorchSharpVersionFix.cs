// MSBuild inline task (RoslynCodeTaskFactory): see LibTorchSharpCompat.targets for why it exists.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class LibTorchSharpVersionFix : Task
{
    private const uint ShtRela = 4;
    private const uint ShtDynsym = 11;
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;
    private const ushort VerFlagWeak = 0x2;

    [Required] public string Library { get; set; } = "";
    [Required] public string SystemLibraryDirectories { get; set; } = "";

    public override bool Execute()
    {
        try
        {
            return Fix();
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Log.LogError($"LibTorchSharp compatibility fix failed on '{Library}': {ex.Message}");
            return false;
        }
    }

    private bool Fix()
    {
        byte[] image = File.ReadAllBytes(Library);
        var elf = new Elf(image, Library);
        var directories = SystemLibraryDirectories.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries);
        var missing = new List<KeyValuePair<Vernaux, string>>();

        foreach (var need in elf.VersionNeeds())
        {
            if (!need.File.StartsWith("libstdc++.so", StringComparison.Ordinal))
            {
                continue; // only libstdc++ is known to be safe to relax; bundled libtorch libraries sit next to it
            }
            string? system = directories.Select(d => Path.Combine(d, need.File)).FirstOrDefault(File.Exists);
            if (system is null)
            {
                Log.LogMessage(MessageImportance.Low, $"{need.File} not found in system directories; nothing to check.");
                continue;
            }
            var defined = new Elf(File.ReadAllBytes(system), system).VersionDefinitions();
            foreach (var aux in need.Aux.Where(a => !defined.Contains(a.Name) && (a.Flags & VerFlagWeak) == 0))
            {
                missing.Add(new KeyValuePair<Vernaux, string>(aux, system));
            }
        }

        if (missing.Count == 0)
        {
            Log.LogMessage(MessageImportance.Low, $"{Library}: system libstdc++ provides every required version; no change.");
            return true;
        }

        var bound = elf.RelocatedSymbolsWithVersion(new HashSet<ushort>(missing.Select(m => m.Key.Other)));
        if (bound.Count > 0)
        {
            Log.LogError($"{Library} needs {string.Join(", ", missing.Select(m => m.Key.Name))}, which {missing[0].Value} lacks, "
                + $"and really binds symbols of it ({string.Join(", ", bound.Take(5))}); upgrade libstdc++ (GCC 13+) instead.");
            return false;
        }

        foreach (var entry in missing)
        {
            elf.WriteUInt16(entry.Key.FlagsOffset, (ushort)(entry.Key.Flags | VerFlagWeak));
        }

        // Write a new file and move it over the old one, so a hard link into the NuGet cache is never modified.
        string temp = Library + ".compat.tmp";
        File.WriteAllBytes(temp, image);
        File.Delete(Library);
        File.Move(temp, Library);
        Log.LogMessage(MessageImportance.High,
            $"LibTorchSharp compatibility: marked {string.Join(", ", missing.Select(m => m.Key.Name))} weak in {Library} "
            + $"({missing[0].Value} is older than GCC 13).");
        return true;
    }

    // Plain classes: inline tasks compile against netstandard, which lacks what records need.
    private sealed class Vernaux
    {
        public Vernaux(string name, ushort flags, ushort other, int flagsOffset)
        {
            Name = name; Flags = flags; Other = other; FlagsOffset = flagsOffset;
        }
        public string Name { get; }
        public ushort Flags { get; }
        public ushort Other { get; }
        public int FlagsOffset { get; }
    }

    private sealed class Verneed
    {
        public Verneed(string file, List<Vernaux> aux)
        {
            File = file; Aux = aux;
        }
        public string File { get; }
        public List<Vernaux> Aux { get; }
    }

    private sealed class Section
    {
        public Section(uint type, long offset, long size, uint link, uint info, long entrySize)
        {
            Type = type; Offset = offset; Size = size; Link = link; Info = info; EntrySize = entrySize;
        }
        public uint Type { get; }
        public long Offset { get; }
        public long Size { get; }
        public uint Link { get; }
        public uint Info { get; }
        public long EntrySize { get; }
    }

    private sealed class Elf
    {
        private readonly byte[] data;
        private readonly string path;
        private readonly List<Section> sections = new();

        public Elf(byte[] data, string path)
        {
            this.data = data;
            this.path = path;
            if (data.Length < 64 || data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
            {
                throw new InvalidDataException($"{path} is not an ELF file");
            }
            if (data[4] != 2 || data[5] != 1)
            {
                throw new InvalidDataException($"{path} is not a 64-bit little-endian ELF file");
            }
            long shoff = (long)UInt64(0x28);
            int shentsize = UInt16(0x3A);
            int shnum = UInt16(0x3C);
            for (int i = 0; i < shnum; i++)
            {
                int at = checked((int)(shoff + (long)i * shentsize));
                sections.Add(new Section(UInt32(at + 4), (long)UInt64(at + 24), (long)UInt64(at + 32),
                    UInt32(at + 40), UInt32(at + 44), (long)UInt64(at + 56)));
            }
        }

        public List<Verneed> VersionNeeds()
        {
            var result = new List<Verneed>();
            foreach (var section in sections.Where(s => s.Type == ShtGnuVerneed))
            {
                var strings = sections[(int)section.Link];
                int at = (int)section.Offset;
                for (uint n = 0; n < section.Info; n++)
                {
                    int count = UInt16(at + 2);
                    var need = new Verneed(String(strings, UInt32(at + 4)), new List<Vernaux>());
                    int aux = at + (int)UInt32(at + 8);
                    for (int a = 0; a < count; a++)
                    {
                        need.Aux.Add(new Vernaux(String(strings, UInt32(aux + 8)), UInt16(aux + 4), UInt16(aux + 6), aux + 4));
                        aux += (int)UInt32(aux + 12);
                    }
                    result.Add(need);
                    uint next = UInt32(at + 12);
                    if (next == 0)
                    {
                        break;
                    }
                    at += (int)next;
                }
            }
            return result;
        }

        public HashSet<string> VersionDefinitions()
        {
            var result = new HashSet<string>(StringComparer.Ordinal);
            foreach (var section in sections.Where(s => s.Type == ShtGnuVerdef))
            {
                var strings = sections[(int)section.Link];
                int at = (int)section.Offset;
                for (uint n = 0; n < section.Info; n++)
                {
                    int aux = at + (int)UInt32(at + 12);
                    result.Add(String(strings, UInt32(aux)));
                    uint next = UInt32(at + 16);
                    if (next == 0)
                    {
                        break;
                    }
                    at += (int)next;
                }
            }
            return result;
        }

        public List<string> RelocatedSymbolsWithVersion(HashSet<ushort> versionIndexes)
        {
            var dynsym = sections.First(s => s.Type == ShtDynsym);
            var versym = sections.First(s => s.Type == ShtGnuVersym);
            var strings = sections[(int)dynsym.Link];
            var symbols = new HashSet<long>();
            foreach (var rela in sections.Where(s => s.Type == ShtRela && s.Link < sections.Count && sections[(int)s.Link].Type == ShtDynsym))
            {
                for (long at = rela.Offset; at < rela.Offset + rela.Size; at += rela.EntrySize)
                {
                    symbols.Add((long)(UInt64(checked((int)at) + 8) >> 32));
                }
            }
            return symbols
                .Where(index => index > 0 && versionIndexes.Contains((ushort)(UInt16((int)(versym.Offset + index * 2)) & 0x7fff)))
                .Select(index => String(strings, UInt32((int)(dynsym.Offset + index * dynsym.EntrySize))))
                .ToList();
        }

        public void WriteUInt16(int at, ushort value)
        {
            data[at] = (byte)value;
            data[at + 1] = (byte)(value >> 8);
        }

        private string String(Section table, uint offset)
        {
            int start = checked((int)(table.Offset + offset));
            int end = Array.IndexOf(data, (byte)0, start);
            if (end < 0)
            {
                throw new InvalidDataException($"{path}: unterminated string in ELF string table");
            }
            return Encoding.ASCII.GetString(data, start, end - start);
        }

        private ushort UInt16(int at) => BitConverter.ToUInt16(data, at);
        private uint UInt32(int at) => BitConverter.ToUInt32(data, at);
        private ulong UInt64(int at) => BitConverter.ToUInt64(data, at);
    }
}
