namespace TeEFusion.Core.TextEncoders;

/// <summary>Range checks shared by the text-encoder configs; the parameter name is the JSON key.</summary>
internal static class ConfigChecks
{
    public static void Positive(int value, string key)
    {
        if (value <= 0) throw new ArgumentException($"{key} must be positive, got {value}.", key);
    }

    public static void Positive(double value, string key)
    {
        if (!(value > 0)) throw new ArgumentException($"{key} must be positive, got {value}.", key);
    }
}
