using System.Net.Http.Headers;

namespace Mpp.Client.Protocol;

/// <summary>
/// Parses <c>WWW-Authenticate</c> field values (RFC 9110 §11.6.1) into Payment challenges: several challenges per value,
/// several field lines, other schemes mixed in, quoted-string escapes, case-insensitive scheme and parameter names.
/// </summary>
/// <remarks>
/// One forward pass over the input, no backtracking: a malformed or unclosed quoted string costs linear time.
/// Unknown parameters are ignored (core spec § "Optional Parameters"); duplicate parameters invalidate the challenge.
/// </remarks>
public static class ChallengeParser
{
    /// <summary>The most Payment challenges read from one response; the rest are ignored.</summary>
    public const int MaxChallenges = 64;

    /// <summary>Parses every Payment challenge of the response's <c>WWW-Authenticate</c> fields, in server order.</summary>
    public static IReadOnlyList<ChallengeParseResult> Parse(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var results = new List<ChallengeParseResult>();
        if (response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var values))
        {
            foreach (var value in values)
            {
                ParseInto(value, results);
            }
        }

        return results;
    }

    /// <summary>Parses every Payment challenge of the given field values, in order.</summary>
    public static IReadOnlyList<ChallengeParseResult> Parse(IEnumerable<string> headerValues)
    {
        ArgumentNullException.ThrowIfNull(headerValues);
        var results = new List<ChallengeParseResult>();
        foreach (var value in headerValues)
        {
            ParseInto(value, results);
        }

        return results;
    }

    /// <summary>Parses every Payment challenge of one field value, in order.</summary>
    public static IReadOnlyList<ChallengeParseResult> Parse(string headerValue)
    {
        var results = new List<ChallengeParseResult>();
        ParseInto(headerValue, results);
        return results;
    }

    /// <summary>Parses the first Payment challenge of a field value.</summary>
    /// <exception cref="MppFormatException">No Payment challenge is present, or the first one is malformed.</exception>
    public static Challenge ParseFirst(string headerValue)
    {
        var results = Parse(headerValue);
        if (results.Count == 0)
        {
            throw new MppFormatException(MppErrorCode.InvalidChallenge, "No Payment challenge in the header value.");
        }

        return results[0].Challenge ?? throw new MppFormatException(MppErrorCode.InvalidChallenge, results[0].Error!);
    }

    private static void ParseInto(string? s, List<ChallengeParseResult> results)
    {
        if (string.IsNullOrEmpty(s))
        {
            return;
        }

        var reader = new Reader(s);
        RawChallenge? current = null;
        while (true)
        {
            reader.SkipSeparators();
            if (reader.AtEnd)
            {
                break;
            }

            var token = reader.ReadTokenSpan();
            if (token.IsEmpty)
            {
                // Not a token: garbage up to the next top-level comma.
                reader.SkipToComma();
                continue;
            }

            var afterToken = reader.Position;
            reader.SkipWhitespace();
            if (!reader.AtEnd && reader.Peek == '=' && current is not null)
            {
                reader.Advance(); // '='
                reader.SkipWhitespace();
                if (current.IsPayment)
                {
                    var (value, ok) = reader.ReadValue();
                    if (ok)
                    {
                        current.Add(token, value);
                    }
                }
                else
                {
                    reader.SkipValue(); // another scheme's parameter: nothing to keep
                }

                if (!reader.EndOfElement())
                {
                    reader.SkipToComma();
                }

                continue;
            }

            // A new challenge: token is its scheme. One RawChallenge is reused for every challenge of the value.
            Finish(current, results);
            current = (current ?? new RawChallenge()).Reset(token.Equals("Payment", StringComparison.OrdinalIgnoreCase));
            reader.Reset(afterToken);
            reader.SkipWhitespace();
            if (reader.TryReadToken68())
            {
                current.HasToken68 = true;
            }
        }

        Finish(current, results);
    }

    private static void Finish(RawChallenge? raw, List<ChallengeParseResult> results)
    {
        if (raw is null || !raw.IsPayment || results.Count >= MaxChallenges)
        {
            return;
        }

        if (raw.Duplicate is not null)
        {
            results.Add(new ChallengeParseResult(null, $"Duplicate parameter '{raw.Duplicate}'."));
            return;
        }

        if (raw.Count == 0)
        {
            results.Add(new ChallengeParseResult(null, raw.HasToken68 ? "A Payment challenge must use auth-params, not a token68." : "A Payment challenge has no parameters."));
            return;
        }

        try
        {
            var v = raw.Values;
            var challenge = Challenge.FromWire(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);
            results.Add(new ChallengeParseResult(challenge, null));
        }
        catch (MppFormatException ex)
        {
            results.Add(new ChallengeParseResult(null, ex.Message));
        }
    }

    /// <summary>RFC 9110 tchar, indexed by ASCII code.</summary>
    private static readonly bool[] TCharTable = BuildTCharTable();

    private static bool[] BuildTCharTable()
    {
        var table = new bool[128];
        foreach (var c in "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        {
            table[c] = true;
        }

        return table;
    }

    /// <summary>The parameters the core spec defines, in the order <see cref="Challenge.FromWire"/> takes them.</summary>
    private static readonly string[] KnownParameters = ["id", "realm", "method", "intent", "request", "expires", "description", "digest", "opaque", "header"];

    /// <summary>The index of a known parameter name (case-insensitive), or -1; candidates are narrowed by length first.</summary>
    private static int KnownIndex(ReadOnlySpan<char> name)
    {
        // Exact (lowercase) names are the norm; the case-insensitive comparison runs only when none matches exactly.
        for (var i = 0; i < KnownParameters.Length; i++)
        {
            if (name.SequenceEqual(KnownParameters[i]))
            {
                return i;
            }
        }

        for (var i = 0; i < KnownParameters.Length; i++)
        {
            if (name.Length == KnownParameters[i].Length && name.Equals(KnownParameters[i], StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private sealed class RawChallenge
    {
        private List<string>? _unknown;

        public bool IsPayment { get; private set; }

        public bool HasToken68 { get; set; }

        public string? Duplicate { get; private set; }

        public int Count { get; private set; }

        public string?[] Values { get; } = new string?[10];

        public RawChallenge Reset(bool isPayment)
        {
            IsPayment = isPayment;
            HasToken68 = false;
            Duplicate = null;
            Count = 0;
            Array.Clear(Values);
            _unknown?.Clear();
            return this;
        }

        public void Add(ReadOnlySpan<char> name, string value)
        {
            Count++;
            var i = KnownIndex(name);
            if (i >= 0)
            {
                if (Values[i] is not null)
                {
                    Duplicate ??= KnownParameters[i];
                    return;
                }

                Values[i] = value;
                return;
            }

            // Unknown parameters are ignored (core spec § "Optional Parameters"), but a duplicate still invalidates the challenge.
            var lower = name.ToString().ToLowerInvariant();
            _unknown ??= [];
            if (_unknown.Contains(lower))
            {
                Duplicate ??= lower;
                return;
            }

            _unknown.Add(lower);
        }
    }

    private ref struct Reader(string s)
    {
        private readonly string _s = s;
        private int _i;

        public readonly bool AtEnd => _i >= _s.Length;

        public readonly char Peek => _s[_i];

        public readonly int Position => _i;

        public void Advance() => _i++;

        public void Reset(int position) => _i = position;

        public void SkipWhitespace()
        {
            var s = _s;
            var i = _i;
            while ((uint)i < (uint)s.Length && s[i] is ' ' or '\t')
            {
                i++;
            }

            _i = i;
        }

        public void SkipSeparators()
        {
            var s = _s;
            var i = _i;
            while ((uint)i < (uint)s.Length && s[i] is ' ' or '\t' or ',')
            {
                i++;
            }

            _i = i;
        }

        public string ReadToken() => ReadTokenSpan().ToString();

        public ReadOnlySpan<char> ReadTokenSpan()
        {
            // Tokens are short: a table lookup in locals (not fields of this ref struct, which the JIT keeps in memory).
            var s = _s;
            var start = _i;
            var i = start;
            while ((uint)i < (uint)s.Length && s[i] < 128 && TCharTable[s[i]])
            {
                i++;
            }

            _i = i;
            return s.AsSpan(start, i - start);
        }

        /// <summary>Skips a token or quoted-string value without keeping it.</summary>
        public void SkipValue()
        {
            if (_i < _s.Length && _s[_i] == '"')
            {
                var i = _i + 1;
                while (true)
                {
                    var stop = _s.AsSpan(i).IndexOfAny('"', '\\');
                    if (stop < 0)
                    {
                        _i = _s.Length;
                        return;
                    }

                    i += stop;
                    if (_s[i] == '"')
                    {
                        _i = i + 1;
                        return;
                    }

                    i += 2; // an escaped character
                    if (i >= _s.Length)
                    {
                        _i = _s.Length;
                        return;
                    }
                }
            }

            _ = ReadTokenSpan();
        }

        public bool TryReadToken68()
        {
            var start = _i;
            var j = _i;
            while (j < _s.Length && IsToken68Char(_s[j]))
            {
                j++;
            }

            if (j == start)
            {
                return false;
            }

            while (j < _s.Length && _s[j] == '=')
            {
                j++;
            }

            var k = j;
            while (k < _s.Length && _s[k] is ' ' or '\t')
            {
                k++;
            }

            if (k < _s.Length && _s[k] != ',')
            {
                return false; // an auth-param follows (name=value) or garbage
            }

            _i = k;
            return true;
        }

        public (string Value, bool Ok) ReadValue()
        {
            if (_i < _s.Length && _s[_i] == '"')
            {
                var start = ++_i;

                // Fast path: no escapes, the value is a plain slice.
                var stop = _s.AsSpan(_i).IndexOfAny('"', '\\');
                _i = stop < 0 ? _s.Length : _i + stop;

                if (_i < _s.Length && _s[_i] == '"')
                {
                    return (_s[start.._i++], true);
                }

                var sb = new System.Text.StringBuilder(_s, start, _i - start, (_i - start) + 16);
                while (_i < _s.Length)
                {
                    var c = _s[_i];
                    if (c == '\\')
                    {
                        if (_i + 1 >= _s.Length)
                        {
                            _i = _s.Length;
                            return (string.Empty, false);
                        }

                        sb.Append(_s[_i + 1]);
                        _i += 2;
                        continue;
                    }

                    if (c == '"')
                    {
                        _i++;
                        return (sb.ToString(), true);
                    }

                    sb.Append(c);
                    _i++;
                }

                return (string.Empty, false); // unclosed quoted-string: the parameter is dropped
            }

            return (ReadToken(), true);
        }

        /// <summary>After a value: true when only whitespace precedes a comma or the end.</summary>
        public bool EndOfElement()
        {
            SkipWhitespace();
            if (AtEnd)
            {
                return true;
            }

            if (_s[_i] == ',')
            {
                _i++;
                return true;
            }

            return false;
        }

        /// <summary>Skips to just after the next comma that is not inside a quoted string.</summary>
        public void SkipToComma()
        {
            var quoted = false;
            while (_i < _s.Length)
            {
                var c = _s[_i++];
                if (quoted)
                {
                    if (c == '\\')
                    {
                        _i++;
                    }
                    else if (c == '"')
                    {
                        quoted = false;
                    }
                }
                else if (c == '"')
                {
                    quoted = true;
                }
                else if (c == ',')
                {
                    return;
                }
            }
        }


        private static bool IsToken68Char(char c) =>
            char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '+' or '/';
    }
}
