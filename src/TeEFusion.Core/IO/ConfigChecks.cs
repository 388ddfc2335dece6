namespace TeEFusion.Core.IO;

/// <summary>Range checks shared by the component configs; the parameter name is the JSON key.</summary>
internal static class ConfigChecks
{
    public static void Positive(int value, string key)
    {
        if (value <= 0) throw new ArgumentException($"{key} is {value}; it must be positive.", key);
    }

    public static void Positive(double value, string key)
    {
        if (!(value > 0) || double.IsInfinity(value)) throw new ArgumentException($"{key} is {value}; it must be a positive finite number.", key);
    }
}
