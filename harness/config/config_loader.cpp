#include "harness/config/config_loader.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "harness/system/input_file.hpp"

namespace zkc::config {

void Config::set_resolved(const std::string& key, Value value, std::string origin) {
  Setting& s = settings_.at(key);
  s.value = std::move(value);
  s.origin = std::move(origin);
}

const Setting& Config::at(const std::string& key) const {
  const auto it = settings_.find(key);
  if (it == settings_.end()) throw std::out_of_range("config: no key " + key);
  return it->second;
}

double Config::get_double(const std::string& key) const {
  const Value& v = at(key).value;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  return std::get<double>(v);
}

// Applies sources and overrides to a Config, collecting every error.
class ConfigBuilder {
 public:
  explicit ConfigBuilder(const ConfigSchema& schema) : schema_(schema) {
    for (const auto& spec : schema.keys()) config_.settings_[spec.key] = {spec.default_value, "default"};
  }

  void apply_toml(const TomlSource& source) {
    toml::table table;
    try {
      table = toml::parse(source.text, source.name);
    } catch (const toml::parse_error& e) {
      errors_.push_back(fmt::format("{}:{}: TOML syntax error: {}", source.name, e.source().begin.line,
                                    e.description()));
      return;
    }
    walk(table, "", source.name);
  }

  void apply_override(const std::string& assignment) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0) {
      errors_.push_back(fmt::format("--set '{}': expected key=value", assignment));
      return;
    }
    const std::string key = assignment.substr(0, eq);
    std::string text = assignment.substr(eq + 1);
    const KeySpec* spec = known(key, "--set");
    if (spec == nullptr) return;
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
    Value v;
    if (!parse_text(*spec, text, v)) {
      errors_.push_back(fmt::format("--set {}='{}': expected {}", key, text, describe_accepted(*spec)));
      return;
    }
    assign(*spec, v, "--set");
  }

  Config finish() {
    if (!errors_.empty()) throw ConfigError(fmt::format("{}", fmt::join(errors_, "\n")));
    return std::move(config_);
  }

 private:
  const KeySpec* known(const std::string& key, const std::string& where) {
    if (const KeySpec* spec = schema_.find(key)) return spec;
    const std::string hint = schema_.closest_key(key);
    errors_.push_back(fmt::format("{}: unknown key '{}'{}", where, key,
                                  hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
    return nullptr;
  }

  void assign(const KeySpec& spec, const Value& v, const std::string& origin) {
    if (const std::string why = check_value(spec, v); !why.empty()) {
      errors_.push_back(fmt::format("{}: {}: {}", origin, spec.key, why));
      return;
    }
    config_.settings_[spec.key] = {v, origin};
  }

  void walk(const toml::table& table, const std::string& prefix, const std::string& source) {
    for (const auto& [name, node] : table) {
      const std::string key = prefix.empty() ? std::string(name.str()) : prefix + "." + std::string(name.str());
      const std::string where = fmt::format("{}:{}", source, node.source().begin.line);
      if (const toml::table* sub = node.as_table()) {
        walk(*sub, key, source);
        continue;
      }
      const KeySpec* spec = known(key, where);
      if (spec == nullptr) continue;
      Value v;
      if (const auto* b = node.as_boolean()) v = b->get();
      else if (const auto* i = node.as_integer()) v = i->get();
      else if (const auto* d = node.as_floating_point()) v = d->get();
      else if (const auto* s = node.as_string()) v = s->get();
      else {
        errors_.push_back(fmt::format("{}: {}: expected {}", where, key, describe_accepted(*spec)));
        continue;
      }
      assign(*spec, v, where);
    }
  }

  static bool parse_text(const KeySpec& spec, const std::string& text, Value& out) {
    switch (spec.type) {
      case ValueType::kBool:
        if (text == "true" || text == "false") {
          out = text == "true";
          return true;
        }
        return false;
      case ValueType::kInt: {
        std::int64_t i = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
        if (ec != std::errc() || end != text.data() + text.size()) return false;
        out = i;
        return true;
      }
      case ValueType::kFloat: {
        double d = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
        if (ec != std::errc() || end != text.data() + text.size()) return false;
        out = d;
        return true;
      }
      case ValueType::kString:
      case ValueType::kEnum:
        out = text;
        return true;
    }
    return false;
  }

  const ConfigSchema& schema_;
  Config config_;
  std::vector<std::string> errors_;
};

Config load_config(const ConfigSchema& schema, const std::vector<TomlSource>& sources,
                   const std::vector<std::string>& overrides) {
  ConfigBuilder builder(schema);
  for (const auto& s : sources) builder.apply_toml(s);
  for (const auto& o : overrides) builder.apply_override(o);
  return builder.finish();
}

Config load_config_files(const ConfigSchema& schema, const std::vector<std::filesystem::path>& files,
                         const std::vector<std::string>& overrides) {
  std::vector<TomlSource> sources;
  for (const auto& path : files) {
    if (const std::string why = harness::input_file_problem(path); !why.empty())
      throw ConfigError(fmt::format("{}: {}", path.string(), why));
    std::ifstream in(path);
    if (!in) {
      const int err = errno;
      throw ConfigError(fmt::format("{}: cannot read config file: {}", path.string(), std::strerror(err)));
    }
    std::ostringstream text;
    text << in.rdbuf();
    sources.push_back({path.string(), text.str()});
  }
  return load_config(schema, sources, overrides);
}

}  // namespace zkc::config
