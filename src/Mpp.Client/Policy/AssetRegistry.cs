using System.Collections.Frozen;

namespace Mpp.Client.Policy;

/// <summary>
/// The assets the SDK can count: ISO 4217 currencies (with their minor-unit decimals), <c>sat</c>, the Tempo stablecoin
/// pathUSD (6 decimals, counted as <c>usd</c>), those rails add (<c>MppBuilder.AddAsset</c>), and any configured in
/// <see cref="MppOptions.Assets"/>. Keys are lowercase.
/// </summary>
public sealed class AssetRegistry
{
    /// <summary>The pathUSD TIP-20 token on Tempo (draft-tempo-charge-01 examples).</summary>
    public const string PathUsd = "0x20c0000000000000000000000000000000000000";

    // ISO 4217 active codes with two minor-unit digits (the common case).
    private const string TwoDecimalCurrencies =
        "aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bmd bnd bob brl bsd btn bwp byn bzd cad cdf chf cny cop crc " +
        "cup cve czk dkk dop dzd egp ern etb eur fjd fkp gbp gel ghs gip gmd gtq gyd hkd hnl htg huf idr ils inr irr jmd kes " +
        "kgs khr kpw kyd kzt lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mru mur mvr mwk mxn myr mzn nad ngn nio nok npr " +
        "nzd pab pen pgk php pkr pln qar ron rsd rub sar sbd scr sdg sek sgd shp sle sll sos srd ssp stn svc syp szl thb tjs " +
        "tmt top try ttd twd tzs uah usd uyu uzs ves wst xcd yer zar zmw zwl";

    private const string ZeroDecimalCurrencies = "bif clp djf gnf isk jpy kmf krw pyg rwf ugx vnd vuv xaf xof xpf";

    private const string ThreeDecimalCurrencies = "bhd iqd jod kwd lyd omr tnd";

    private readonly FrozenDictionary<string, AssetInfo> _assets;
    private readonly FrozenDictionary<string, int> _unitDecimals;

    /// <summary>Creates the registry from the built-in assets plus configured ones (configured entries win).</summary>
    public AssetRegistry(IReadOnlyDictionary<string, AssetOptions>? configured = null)
        : this(configured, null)
    {
    }

    /// <summary>Creates the registry from the built-in assets, those rails added, then configured ones (later entries win).</summary>
    internal AssetRegistry(IReadOnlyDictionary<string, AssetOptions>? configured, IEnumerable<AssetInfo>? rails)
    {
        var map = new Dictionary<string, AssetInfo>(StringComparer.Ordinal);
        Add(map, TwoDecimalCurrencies, 2);
        Add(map, ZeroDecimalCurrencies, 0);
        Add(map, ThreeDecimalCurrencies, 3);
        map["sat"] = new AssetInfo("sat", 0, "sat");
        map[PathUsd] = new AssetInfo(PathUsd, 6, "usd");
        foreach (var asset in rails ?? [])
        {
            map[asset.Key] = asset;
        }

        if (configured is not null)
        {
            foreach (var (key, options) in configured)
            {
                var k = key.Trim().ToLowerInvariant();
                map[k] = new AssetInfo(k, options.Decimals, (options.Unit ?? k).Trim().ToLowerInvariant());
            }
        }

        _assets = map.ToFrozenDictionary(StringComparer.Ordinal);
        Units = _assets.Values.Select(a => a.Unit).ToFrozenSet(StringComparer.Ordinal);

        // A unit's minor unit: that of the asset of the same name (usd: the cent, even though pathUSD counts in usd too),
        // else the finest of the assets counted in it.
        var unitDecimals = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var asset in _assets.Values)
        {
            if (_assets.TryGetValue(asset.Unit, out var named) && named.Unit == asset.Unit)
            {
                unitDecimals[asset.Unit] = named.Decimals;
            }
            else
            {
                unitDecimals[asset.Unit] = Math.Max(asset.Decimals, unitDecimals.GetValueOrDefault(asset.Unit));
            }
        }

        _unitDecimals = unitDecimals.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Every budget unit an asset counts against.</summary>
    public IReadOnlySet<string> Units { get; }

    /// <summary>Looks up an asset by currency code or token address, case-insensitively.</summary>
    public bool TryGet(string currency, out AssetInfo asset)
    {
        ArgumentNullException.ThrowIfNull(currency);
        return _assets.TryGetValue(currency.ToLowerInvariant(), out asset!);
    }

    /// <summary>The smallest amount of <paramref name="unit"/> a cap can name (0.01 for usd, 1 for sat), or null for an unknown unit.</summary>
    internal decimal? MinorUnit(string unit) =>
        _unitDecimals.TryGetValue(unit, out var decimals) ? new decimal(1, 0, 0, false, (byte)Math.Clamp(decimals, 0, 28)) : null;

    private static void Add(Dictionary<string, AssetInfo> map, string codes, int decimals)
    {
        foreach (var code in codes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            map[code] = new AssetInfo(code, decimals, code);
        }
    }
}
