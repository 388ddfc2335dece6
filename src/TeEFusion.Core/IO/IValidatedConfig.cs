namespace TeEFusion.Core.IO;

/// <summary>A component configuration that can say what is wrong with itself.</summary>
public interface IValidatedConfig
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> when the configuration describes something this implementation cannot
    /// build; <see cref="ArgumentException.ParamName"/> is the JSON key at fault.
    /// </summary>
    void Validate();
}
