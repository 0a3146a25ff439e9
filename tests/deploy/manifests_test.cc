// The Kubernetes manifests under deploy/kubernetes, checked against the
// signet config they ship (base/signet.yaml): every cross-reference that a
// typo could break without kustomize noticing (ports, paths, secret keys,
// the config key, the app's address), plus the security and sizing settings
// deploy/README.md promises. Reads the files with yaml-cpp; needs neither
// kubectl nor a cluster. The classic-sidecar overlay's JSON patch is applied
// here (nlohmann::json implements RFC 6902, as kustomize does).

#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "yaml-cpp/yaml.h"

namespace signet {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using ::testing::Contains;
using ::testing::IsSupersetOf;
using ::testing::Not;

constexpr char kSignet[] = "signet";

fs::path KubernetesDir() {
  return fs::path(SIGNET_SOURCE_DIR) / "deploy" / "kubernetes";
}
fs::path BaseDir() { return KubernetesDir() / "base"; }
fs::path OverlayDir() {
  return KubernetesDir() / "overlays" / "classic-sidecar";
}

// ---------------------------------------------------------------------------
// YAML -> JSON, with scalars typed the way Kubernetes' YAML reader types them.

json ScalarToJson(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() != "?") return text;  // quoted or explicitly tagged
  if (text.empty() || text == "~" || text == "null" || text == "Null" ||
      text == "NULL") {
    return nullptr;
  }
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  const size_t digits = (text[0] == '-' || text[0] == '+') ? 1 : 0;
  bool all_digits = digits < text.size();
  bool all_octal = true;
  for (size_t i = digits; i < text.size(); ++i) {
    all_digits =
        all_digits && std::isdigit(static_cast<unsigned char>(text[i]));
    all_octal = all_octal && text[i] >= '0' && text[i] <= '7';
  }
  // A leading 0 is octal, as in `defaultMode: 0440`.
  const bool octal = text.size() - digits > 1 && text[digits] == '0';
  if (all_digits && (!octal || all_octal)) {
    try {
      return std::stoll(text, nullptr, octal ? 8 : 10);
    } catch (const std::out_of_range&) {
      return text;
    }
  }
  return text;
}

json ToJson(const YAML::Node& node, const std::string& file) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      return ScalarToJson(node);
    case YAML::NodeType::Sequence: {
      json array = json::array();
      for (const YAML::Node& item : node) array.push_back(ToJson(item, file));
      return array;
    }
    case YAML::NodeType::Map: {
      json object = json::object();
      for (const auto& entry : node) {
        const std::string where =
            file + " line " + std::to_string(entry.first.Mark().line + 1);
        if (!entry.first.IsScalar()) {
          throw std::runtime_error(where + ": a key that is not a scalar");
        }
        const std::string key = entry.first.Scalar();
        // yaml-cpp keeps both; kustomize refuses the file.
        if (object.contains(key)) {
          throw std::runtime_error(where + ": duplicate key \"" + key + "\"");
        }
        object[key] = ToJson(entry.second, file);
      }
      return object;
    }
  }
  return nullptr;
}

// Every document of a (multi-document) YAML file; throws naming the file.
std::vector<json> LoadDocuments(const fs::path& path) {
  std::vector<YAML::Node> nodes;
  try {
    nodes = YAML::LoadAllFromFile(path.string());
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(path.string() + ": " + e.what());
  }
  std::vector<json> documents;
  for (const YAML::Node& node : nodes) {
    documents.push_back(ToJson(node, path.string()));
  }
  return documents;
}

json LoadSingle(const fs::path& path) {
  std::vector<json> documents = LoadDocuments(path);
  if (documents.size() != 1) {
    throw std::runtime_error(path.string() + ": expected one document, found " +
                             std::to_string(documents.size()));
  }
  return documents[0];
}

std::vector<fs::path> YamlFilesUnder(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) return files;
  for (const fs::directory_entry& entry :
       fs::recursive_directory_iterator(dir)) {
    const std::string extension = entry.path().extension().string();
    if (entry.is_regular_file() &&
        (extension == ".yaml" || extension == ".yml")) {
      files.push_back(entry.path());
    }
  }
  return files;
}

// The list at object[key], or an empty one. A reference into the document,
// so pointers to its elements stay valid.
const json& List(const json& object, const char* key) {
  static const json* const kEmpty = new json(json::array());
  if (!object.is_object() || !object.contains(key) ||
      object.at(key).is_null()) {
    return *kEmpty;
  }
  return object.at(key);
}

// ---------------------------------------------------------------------------
// The base, loaded once.

struct Base {
  json kustomization;
  std::vector<json> resources;  // every document of every listed resource
  json deployment;
  json network_policy;
  json config;          // base/signet.yaml
  json secret_example;  // base/secret.example.yaml
};

const json& OnlyOfKind(const std::vector<json>& documents,
                       const std::string& kind) {
  const json* found = nullptr;
  for (const json& document : documents) {
    if (document.is_object() && document.value("kind", "") == kind) {
      if (found != nullptr)
        throw std::runtime_error("two " + kind + "s in base");
      found = &document;
    }
  }
  if (found == nullptr) throw std::runtime_error("no " + kind + " in base");
  return *found;
}

const Base& LoadBase() {
  static const Base base = [] {
    Base loaded;
    loaded.kustomization = LoadSingle(BaseDir() / "kustomization.yaml");
    for (const json& resource : List(loaded.kustomization, "resources")) {
      for (json& document :
           LoadDocuments(BaseDir() / resource.get<std::string>())) {
        loaded.resources.push_back(std::move(document));
      }
    }
    loaded.deployment = OnlyOfKind(loaded.resources, "Deployment");
    loaded.network_policy = OnlyOfKind(loaded.resources, "NetworkPolicy");
    loaded.config = LoadSingle(BaseDir() / "signet.yaml");
    loaded.secret_example = LoadSingle(BaseDir() / "secret.example.yaml");
    return loaded;
  }();
  return base;
}

// ---------------------------------------------------------------------------
// Reading the pieces.

const json& PodSpec(const json& deployment) {
  return deployment.at(json::json_pointer("/spec/template/spec"));
}

const json* FindContainer(const json& pod_spec, const std::string& list,
                          const std::string& name) {
  if (!pod_spec.contains(list)) return nullptr;
  for (const json& container : pod_spec.at(list)) {
    if (container.value("name", "") == name) return &container;
  }
  return nullptr;
}

// signet, wherever it is (initContainers in the base).
const json& SignetContainer(const json& deployment) {
  const json& pod = PodSpec(deployment);
  for (const char* list : {"initContainers", "containers"}) {
    if (const json* container = FindContainer(pod, list, kSignet))
      return *container;
  }
  throw std::runtime_error("no container named signet");
}

const json* FindMount(const json& container, const std::string& volume) {
  for (const json& mount : List(container, "volumeMounts")) {
    if (mount.value("name", "") == volume) return &mount;
  }
  return nullptr;
}

const json* FindVolume(const json& pod_spec, const std::string& name) {
  for (const json& volume : List(pod_spec, "volumes")) {
    if (volume.value("name", "") == name) return &volume;
  }
  return nullptr;
}

// The value of "--flag VALUE" or "--flag=VALUE" in the container's args.
std::optional<std::string> FlagValue(const json& container,
                                     const std::string& flag) {
  const json args = List(container, "args");
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string arg = args[i].get<std::string>();
    if (arg == flag && i + 1 < args.size())
      return args[i + 1].get<std::string>();
    if (arg.rfind(flag + "=", 0) == 0) return arg.substr(flag.size() + 1);
  }
  return std::nullopt;
}

struct HostPort {
  std::string host;
  int port = -1;
};

// "host:port" or "[v6]:port"; port -1 if it is not a number.
HostPort SplitHostPort(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) return {address, -1};
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port = address.substr(colon + 1);
  if (port.empty() || port.size() > 5) return {host, -1};
  for (char c : port) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return {host, -1};
  }
  return {host, std::stoi(port)};
}

int ListenPort(const json& config, const std::string& key) {
  return SplitHostPort(config.at(key).get<std::string>()).port;
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// The TCP port of an https:// or http:// URL.
int UrlPort(const std::string& url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return -1;
  const std::string scheme = url.substr(0, scheme_end);
  std::string authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  const size_t colon = authority.rfind(':');
  if (colon != std::string::npos && authority.back() != ']') {
    return SplitHostPort(authority).port;
  }
  if (scheme == "https") return 443;
  if (scheme == "http") return 80;
  return -1;
}

// "250ms", "20s", "1h30m" -> seconds; -1 if malformed.
double DurationSeconds(const std::string& text) {
  if (text.empty()) return -1;
  double total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = i;
    while (
        j < text.size() &&
        (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.')) {
      ++j;
    }
    size_t k = j;
    while (k < text.size() && std::isalpha(static_cast<unsigned char>(text[k])))
      ++k;
    if (j == i || k == j) return -1;
    const double number = std::stod(text.substr(i, j - i));
    const std::string unit = text.substr(j, k - j);
    if (unit == "ms") {
      total += number / 1000;
    } else if (unit == "s") {
      total += number;
    } else if (unit == "m") {
      total += number * 60;
    } else if (unit == "h") {
      total += number * 3600;
    } else {
      return -1;
    }
    i = k;
  }
  return total;
}

// A Kubernetes quantity ("50m", "32Mi", 1) as a plain number; -1 if unknown.
double Quantity(const json& value) {
  if (value.is_number()) return value.get<double>();
  const std::string text = value.get<std::string>();
  size_t end = 0;
  const double number = std::stod(text, &end);
  static const std::map<std::string, double> kScale = {
      {"", 1},    {"m", 1e-3},    {"k", 1e3},        {"M", 1e6},
      {"G", 1e9}, {"Ki", 1024.0}, {"Mi", 1048576.0}, {"Gi", 1073741824.0}};
  const auto scale = kScale.find(text.substr(end));
  return scale == kScale.end() ? -1 : number * scale->second;
}

// The secret references of a signet config: maps whose only key is file,
// env or value (the config schema's SecretRef).
struct SecretRef {
  std::string where;   // openapi.default.app_secret
  std::string source;  // file, env or value
  std::string value;
};

void CollectSecretRefs(const json& node, const std::string& where,
                       std::vector<SecretRef>* refs) {
  if (node.is_object()) {
    if (node.size() == 1) {
      for (const char* source : {"file", "env", "value"}) {
        if (node.contains(source) && node.at(source).is_string()) {
          refs->push_back({where, source, node.at(source).get<std::string>()});
          return;
        }
      }
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
      CollectSecretRefs(
          it.value(), where.empty() ? it.key() : where + "." + it.key(), refs);
    }
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) {
      CollectSecretRefs(node[i], where + "[" + std::to_string(i) + "]", refs);
    }
  }
}

// Every upstream URL of the config (what signet connects to).
std::vector<std::string> UpstreamUrls(const json& config) {
  std::vector<std::string> urls;
  const std::pair<const char*, const char*> kinds[] = {
      {"openapi", "base_url"}, {"innopaas", "base_url"}, {"licenses", "url"}};
  for (const auto& [kind, field] : kinds) {
    for (const json& profile : config.value(kind, json::object())) {
      urls.push_back(profile.at(field).get<std::string>());
    }
  }
  return urls;
}

// A NetworkPolicy port (number or the name of a container port) as a number.
int PolicyPort(const json& port, const json& container) {
  if (port.is_number_integer()) return port.get<int>();
  for (const json& declared : List(container, "ports")) {
    if (declared.value("name", "") == port.get<std::string>()) {
      return declared.at("containerPort").get<int>();
    }
  }
  return -1;
}

// ---------------------------------------------------------------------------
// Files and kustomize.

// Every *.yaml under deploy/kubernetes parses (all its documents), has no
// duplicate keys, and every Kubernetes object in it has apiVersion and a
// name; the files this test relies on are among them.
TEST(ManifestFiles, EveryYamlFileParses) {
  std::set<std::string> found;
  for (const fs::path& file : YamlFilesUnder(KubernetesDir())) {
    found.insert(fs::relative(file, KubernetesDir()).generic_string());
    std::vector<json> documents;
    try {
      documents = LoadDocuments(file);
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
      continue;
    }
    EXPECT_FALSE(documents.empty()) << file << " holds no document";
    for (const json& document : documents) {
      EXPECT_TRUE(document.is_object() || document.is_array())
          << file << ": a document that is neither a map nor a list";
      if (!document.is_object() || !document.contains("kind") ||
          document.at("kind") == "Kustomization") {
        continue;
      }
      EXPECT_TRUE(document.contains("apiVersion")) << file << ": no apiVersion";
      EXPECT_FALSE(
          document.value(json::json_pointer("/metadata/name"), "").empty())
          << file << ": no metadata.name";
    }
  }
  EXPECT_THAT(found,
              IsSupersetOf({"base/kustomization.yaml", "base/deployment.yaml",
                            "base/signet.yaml", "base/secret.example.yaml",
                            "base/networkpolicy.yaml",
                            "overlays/classic-sidecar/kustomization.yaml"}));
}

// Every file or directory a kustomization.yaml names (resources, patches,
// generator sources) exists; a resource directory holds a kustomization.
TEST(ManifestKustomize, ReferencedFilesExist) {
  int kustomizations = 0;
  for (const fs::path& file : YamlFilesUnder(KubernetesDir())) {
    if (file.filename() != "kustomization.yaml") continue;
    ++kustomizations;
    const fs::path dir = file.parent_path();
    const json kustomization = LoadSingle(file);
    int references = 0;
    auto expect_file = [&](const std::string& name, const char* field) {
      ++references;
      EXPECT_TRUE(fs::is_regular_file(dir / name))
          << file << ": " << field << " names " << name << ", which is no file";
    };
    for (const json& resource : List(kustomization, "resources")) {
      ++references;
      const fs::path path = dir / resource.get<std::string>();
      EXPECT_TRUE(fs::is_regular_file(path) ||
                  fs::is_regular_file(path / "kustomization.yaml"))
          << file << ": resource " << resource << " is neither a file nor a "
          << "directory with a kustomization.yaml";
    }
    for (const json& patch : List(kustomization, "patches")) {
      if (patch.contains("path")) {
        expect_file(patch.at("path").get<std::string>(), "patches");
      } else {
        EXPECT_TRUE(patch.contains("patch"))
            << file << ": a patch without path or patch";
      }
    }
    for (const json& patch : List(kustomization, "patchesStrategicMerge")) {
      expect_file(patch.get<std::string>(), "patchesStrategicMerge");
    }
    for (const json& patch : List(kustomization, "patchesJson6902")) {
      expect_file(patch.at("path").get<std::string>(), "patchesJson6902");
    }
    for (const char* generator : {"configMapGenerator", "secretGenerator"}) {
      for (const json& generated : List(kustomization, generator)) {
        for (const json& source : List(generated, "files")) {
          const std::string spec = source.get<std::string>();
          expect_file(spec.substr(spec.find('=') + 1), generator);
        }
        for (const json& source : List(generated, "envs")) {
          expect_file(source.get<std::string>(), generator);
        }
      }
    }
    EXPECT_GT(references, 0) << file << " references nothing";
  }
  EXPECT_GE(kustomizations, 2);
}

// The base lists each of its manifests as a resource, except the example
// Secret, which must never be applied with placeholder values.
TEST(ManifestKustomize, BaseListsItsManifestsButNotTheExampleSecret) {
  const json& kustomization = LoadBase().kustomization;
  std::set<std::string> resources;
  for (const json& resource : List(kustomization, "resources")) {
    resources.insert(resource.get<std::string>());
  }
  const std::set<std::string> not_resources = {
      "kustomization.yaml", "signet.yaml", "secret.example.yaml"};
  for (const fs::path& file : YamlFilesUnder(BaseDir())) {
    const std::string name = fs::relative(file, BaseDir()).generic_string();
    if (not_resources.count(name) != 0) continue;
    EXPECT_THAT(resources, Contains(name))
        << name << " is not in the base's resources";
  }
  EXPECT_THAT(resources, Not(Contains("secret.example.yaml")));
  EXPECT_THAT(kustomization.dump(), Not(::testing::HasSubstr("secret.example")))
      << "the example Secret is referenced by the base kustomization";
}

// ---------------------------------------------------------------------------
// The sidecar's layout in the base and in the classic overlay.

// Base: signet is a native sidecar (an init container with restartPolicy
// Always), not an ordinary container, and the app is an ordinary container.
TEST(ManifestSidecar, BaseRunsSignetAsNativeSidecar) {
  const json& pod = PodSpec(LoadBase().deployment);
  const json* signet = FindContainer(pod, "initContainers", kSignet);
  ASSERT_NE(signet, nullptr) << "signet is not in initContainers";
  EXPECT_EQ(signet->value("restartPolicy", ""), "Always");
  EXPECT_EQ(FindContainer(pod, "containers", kSignet), nullptr);
  EXPECT_FALSE(List(pod, "containers").empty());
}

// Classic overlay: its one patch targets the base's Deployment and, applied
// to it, makes signet an ordinary container (no initContainers entry, no
// restartPolicy) that is otherwise exactly the base's, app unchanged.
TEST(ManifestSidecar, ClassicOverlayMakesSignetAnOrdinaryContainer) {
  const Base& base = LoadBase();
  const json kustomization = LoadSingle(OverlayDir() / "kustomization.yaml");
  EXPECT_EQ(List(kustomization, "resources"), json::array({"../../base"}));
  const json patches = List(kustomization, "patches");
  ASSERT_EQ(patches.size(), 1u);
  const json target = patches[0].value("target", json::object());
  EXPECT_EQ(target.value("kind", ""), base.deployment.at("kind"));
  EXPECT_EQ(target.value("name", ""),
            base.deployment.at(json::json_pointer("/metadata/name")));
  EXPECT_EQ(target.value("group", "apps"), "apps");

  const json patch =
      LoadSingle(OverlayDir() / patches[0].at("path").get<std::string>());
  ASSERT_TRUE(patch.is_array())
      << "expected a JSON6902 patch (a list of operations)";
  json patched;
  try {
    patched = base.deployment.patch(patch);
  } catch (const json::exception& e) {
    FAIL() << "the overlay's patch does not apply to the base: " << e.what();
  }
  const json& pod = PodSpec(patched);
  EXPECT_EQ(FindContainer(pod, "initContainers", kSignet), nullptr);
  const json* signet = FindContainer(pod, "containers", kSignet);
  ASSERT_NE(signet, nullptr) << "signet is not in containers after the patch";
  EXPECT_FALSE(signet->contains("restartPolicy"));
  json expected = SignetContainer(base.deployment);
  expected.erase("restartPolicy");
  EXPECT_EQ(*signet, expected) << "the patch changed more than restartPolicy";
  for (const json& app : PodSpec(base.deployment).at("containers")) {
    const json* kept =
        FindContainer(pod, "containers", app.at("name").get<std::string>());
    ASSERT_NE(kept, nullptr) << app.at("name") << " lost by the patch";
    EXPECT_EQ(*kept, app);
  }
}

// ---------------------------------------------------------------------------
// Cross-references between the Deployment and signet.yaml.

// The readiness, liveness and startup probes are grpc probes on
// health_listen's port (which the container declares and the kubelet can
// reach: not loopback); readiness and startup ask for the overall status
// (service ""), liveness for service "liveness".
TEST(ManifestConfig, ProbesUseHealthListen) {
  const Base& base = LoadBase();
  const HostPort health =
      SplitHostPort(base.config.at("health_listen").get<std::string>());
  ASSERT_GT(health.port, 0);
  EXPECT_FALSE(IsLoopback(health.host)) << "the kubelet probes the pod IP";
  EXPECT_NE(health.port, ListenPort(base.config, "listen"));
  const json& signet = SignetContainer(base.deployment);

  auto expect_grpc_probe = [&](const char* name, const std::string& service) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(signet.contains(name));
    const json& probe = signet.at(name);
    for (const char* other : {"httpGet", "tcpSocket", "exec"}) {
      EXPECT_FALSE(probe.contains(other));
    }
    ASSERT_TRUE(probe.contains("grpc"));
    EXPECT_EQ(probe.at("grpc").value("port", json()), health.port);
    EXPECT_EQ(probe.at("grpc").value("service", ""), service);
  };
  expect_grpc_probe("readinessProbe", "");
  expect_grpc_probe("livenessProbe", "liveness");
  // The startup probe is what makes the app wait for signet's readiness.
  expect_grpc_probe("startupProbe", "");

  std::vector<int> ports;
  for (const json& port : List(signet, "ports")) {
    ports.push_back(port.at("containerPort").get<int>());
  }
  EXPECT_THAT(ports, Contains(health.port));
}

// The container port named "admin" and the Prometheus scrape annotations
// name admin_listen's port, which listens beyond loopback.
TEST(ManifestConfig, AdminPortMatchesAdminListen) {
  const Base& base = LoadBase();
  const HostPort admin =
      SplitHostPort(base.config.at("admin_listen").get<std::string>());
  ASSERT_GT(admin.port, 0);
  EXPECT_FALSE(IsLoopback(admin.host)) << "Prometheus scrapes the pod IP";
  const json& signet = SignetContainer(base.deployment);
  json admin_port;
  for (const json& port : List(signet, "ports")) {
    if (port.value("name", "") == "admin")
      admin_port = port.value("containerPort", json());
  }
  EXPECT_EQ(admin_port, admin.port)
      << "no container port named admin on admin_listen's port";
  const json annotations = base.deployment.value(
      json::json_pointer("/spec/template/metadata/annotations"),
      json::object());
  EXPECT_EQ(annotations.value("prometheus.io/scrape", ""), "true");
  EXPECT_EQ(annotations.value("prometheus.io/port", ""),
            std::to_string(admin.port));
  EXPECT_EQ(annotations.value("prometheus.io/path", "/metrics"), "/metrics");
}

// The --config path in signet's args is served by the generated ConfigMap:
// a read-only volume of it is mounted at the path's directory (no subPath),
// and the configMapGenerator's key for signet.yaml is the path's file name.
TEST(ManifestConfig, ConfigVolumeServesTheConfigPath) {
  const Base& base = LoadBase();
  const json& signet = SignetContainer(base.deployment);
  EXPECT_FALSE(signet.contains("command"))
      << "the image's entrypoint is signet";
  const std::optional<std::string> config_path = FlagValue(signet, "--config");
  ASSERT_TRUE(config_path.has_value()) << "no --config in signet's args";
  const fs::path path(*config_path);

  const json* mount = nullptr;
  for (const json& candidate : List(signet, "volumeMounts")) {
    if (candidate.value("mountPath", "") == path.parent_path().string())
      mount = &candidate;
  }
  ASSERT_NE(mount, nullptr) << "nothing is mounted at " << path.parent_path();
  EXPECT_EQ(mount->value("readOnly", false), true);
  EXPECT_FALSE(mount->contains("subPath"));
  const json* volume = FindVolume(PodSpec(base.deployment),
                                  mount->at("name").get<std::string>());
  ASSERT_NE(volume, nullptr);
  ASSERT_TRUE(volume->contains("configMap"))
      << "the config volume is not a ConfigMap";
  EXPECT_FALSE(volume->at("configMap").contains("items"));
  const std::string configmap = volume->at("configMap").value("name", "");

  bool generated = false;
  for (const json& generator : List(base.kustomization, "configMapGenerator")) {
    if (generator.value("name", "") != configmap) continue;
    generated = true;
    EXPECT_THAT(List(generator, "files").get<std::vector<std::string>>(),
                Contains(path.filename().string() + "=signet.yaml"))
        << "the ConfigMap's key for signet.yaml is not " << path.filename();
  }
  EXPECT_TRUE(generated) << "no configMapGenerator makes " << configmap;
}

// Every secret in signet.yaml is a {file: ...} (no env, no inline value)
// directly in the Secret volume's read-only mount (a whole-directory mount,
// so rotations arrive), named after a key of secret.example.yaml's
// stringData; that Secret is the volume's; and it has no unused keys.
TEST(ManifestConfig, SecretFilesLieInTheSecretVolume) {
  const Base& base = LoadBase();
  std::vector<SecretRef> refs;
  CollectSecretRefs(base.config, "", &refs);
  ASSERT_FALSE(refs.empty());

  const json& secret = base.secret_example;
  EXPECT_EQ(secret.value("kind", ""), "Secret");
  const json* volume = nullptr;
  for (const json& candidate : List(PodSpec(base.deployment), "volumes")) {
    if (candidate.contains("secret")) volume = &candidate;
  }
  ASSERT_NE(volume, nullptr) << "no Secret volume";
  EXPECT_EQ(volume->at("secret").value("secretName", ""),
            secret.value(json::json_pointer("/metadata/name"), ""));
  EXPECT_FALSE(volume->at("secret").contains("items"))
      << "file names would differ from keys";
  const json* mount = FindMount(SignetContainer(base.deployment),
                                volume->at("name").get<std::string>());
  ASSERT_NE(mount, nullptr) << "the Secret volume is not mounted in signet";
  EXPECT_EQ(mount->value("readOnly", false), true);
  EXPECT_FALSE(mount->contains("subPath"))
      << "subPath mounts never see rotations";
  const fs::path mount_path =
      fs::path(mount->value("mountPath", "")).lexically_normal();

  const json keys = secret.value("stringData", json::object());
  std::set<std::string> used;
  for (const SecretRef& ref : refs) {
    SCOPED_TRACE(ref.where);
    EXPECT_EQ(ref.source, "file");
    if (ref.source != "file") continue;
    const fs::path file = fs::path(ref.value).lexically_normal();
    EXPECT_EQ(file.parent_path(), mount_path);
    EXPECT_TRUE(keys.contains(file.filename().string()))
        << file.filename() << " is not a key of the example Secret";
    used.insert(file.filename().string());
  }
  for (auto it = keys.begin(); it != keys.end(); ++it) {
    EXPECT_THAT(used, Contains(it.key()))
        << "example Secret key unused by signet.yaml";
  }
}

// The app reaches signet at SIGNET_ADDRESS, which is signet.yaml's listen, a
// loopback address that no container port or host network exposes.
TEST(ManifestConfig, AppCallsSignetOnItsListenAddress) {
  const Base& base = LoadBase();
  const std::string listen = base.config.at("listen").get<std::string>();
  const HostPort api = SplitHostPort(listen);
  EXPECT_TRUE(IsLoopback(api.host)) << "listen must stay on the pod's loopback";
  const json& pod = PodSpec(base.deployment);
  EXPECT_FALSE(pod.value("hostNetwork", false))
      << "loopback would be the node's";

  int callers = 0;
  for (const json& container : List(pod, "containers")) {
    if (container.value("name", "") == kSignet) continue;
    for (const json& env : List(container, "env")) {
      if (env.value("name", "") != "SIGNET_ADDRESS") continue;
      ++callers;
      EXPECT_EQ(env.value("value", ""), listen) << container.at("name");
    }
  }
  EXPECT_GT(callers, 0) << "no app container has SIGNET_ADDRESS";
  for (const json& port : List(SignetContainer(base.deployment), "ports")) {
    EXPECT_NE(port.value("containerPort", 0), api.port)
        << "the API port is declared";
  }
}

// The optional verifying receiver: inbound_listen and inbound_routes come
// together (signet refuses one without the other), and when enabled its
// port listens beyond loopback and is declared on the signet container.
TEST(ManifestConfig, InboundReceiverIsWiredIfEnabled) {
  const Base& base = LoadBase();
  const bool enabled = base.config.contains("inbound_listen");
  EXPECT_EQ(enabled, base.config.contains("inbound_routes"));
  if (!enabled) return;
  const HostPort inbound =
      SplitHostPort(base.config.at("inbound_listen").get<std::string>());
  ASSERT_GT(inbound.port, 0);
  EXPECT_FALSE(IsLoopback(inbound.host))
      << "the receiver is reached from outside the pod";
  std::vector<int> ports;
  for (const json& port : List(SignetContainer(base.deployment), "ports")) {
    ports.push_back(port.at("containerPort").get<int>());
  }
  EXPECT_THAT(ports, Contains(inbound.port));
}

// ---------------------------------------------------------------------------
// Security, shutdown and sizing of the signet container.

// signet runs as uid/gid 65532, non-root, read-only root filesystem, no
// privilege escalation, no capabilities, RuntimeDefault seccomp.
TEST(ManifestSecurity, SignetSecurityContext) {
  const json& signet = SignetContainer(LoadBase().deployment);
  ASSERT_TRUE(signet.contains("securityContext"));
  const json& context = signet.at("securityContext");
  EXPECT_EQ(context.value("runAsNonRoot", json()), true);
  EXPECT_EQ(context.value("runAsUser", json()), 65532);
  EXPECT_EQ(context.value("runAsGroup", json()), 65532);
  EXPECT_EQ(context.value("readOnlyRootFilesystem", json()), true);
  EXPECT_EQ(context.value("allowPrivilegeEscalation", json()), false);
  EXPECT_EQ(context.value(json::json_pointer("/capabilities/drop"), json()),
            json::array({"ALL"}));
  EXPECT_FALSE(context.contains("privileged") &&
               context.at("privileged") == true);
  EXPECT_EQ(context.value(json::json_pointer("/seccompProfile/type"), ""),
            "RuntimeDefault");
}

// terminationGracePeriodSeconds leaves room for signet's --shutdown-grace
// (20s when the flag is absent), so calls in flight can finish.
TEST(ManifestSecurity, GracePeriodExceedsShutdownGrace) {
  const json& deployment = LoadBase().deployment;
  const std::string grace =
      FlagValue(SignetContainer(deployment), "--shutdown-grace")
          .value_or("20s");
  const double grace_seconds = DurationSeconds(grace);
  ASSERT_GT(grace_seconds, 0)
      << "--shutdown-grace " << grace << " is not a duration";
  const json period =
      PodSpec(deployment).value("terminationGracePeriodSeconds", json());
  ASSERT_TRUE(period.is_number_integer())
      << "terminationGracePeriodSeconds not set";
  EXPECT_GT(period.get<double>(), grace_seconds);
  EXPECT_GT(period.get<int>(), 20);
}

// signet has cpu and memory requests and limits, each request within its
// limit, and the memory request covers the measured idle RSS (~15 MB).
TEST(ManifestSecurity, SignetHasResourceRequestsAndLimits) {
  const json& signet = SignetContainer(LoadBase().deployment);
  const json resources = signet.value("resources", json::object());
  for (const char* resource : {"cpu", "memory"}) {
    SCOPED_TRACE(resource);
    const json request =
        resources.value("requests", json::object()).value(resource, json());
    const json limit =
        resources.value("limits", json::object()).value(resource, json());
    ASSERT_FALSE(request.is_null()) << "no request";
    ASSERT_FALSE(limit.is_null()) << "no limit";
    const double requested = Quantity(request);
    const double limited = Quantity(limit);
    EXPECT_GT(requested, 0) << request;
    EXPECT_GT(limited, 0) << limit;
    EXPECT_LE(requested, limited);
  }
  EXPECT_GE(Quantity(resources.at(json::json_pointer("/requests/memory"))),
            15e6);
}

// ---------------------------------------------------------------------------
// NetworkPolicy.

// The policy selects the Deployment's pods; ingress admits only the admin
// port (from the monitoring namespace) and the inbound receiver's port;
// egress rules all name destinations and ports, and admit DNS and each
// upstream's port from signet.yaml.
TEST(ManifestNetworkPolicy, MatchesPodsAndConfig) {
  const Base& base = LoadBase();
  const json& spec = base.network_policy.at("spec");
  const json& signet = SignetContainer(base.deployment);

  const json selector = spec.value(
      json::json_pointer("/podSelector/matchLabels"), json::object());
  const json labels = base.deployment.value(
      json::json_pointer("/spec/template/metadata/labels"), json::object());
  EXPECT_FALSE(selector.empty()) << "an empty podSelector selects every pod";
  for (auto it = selector.begin(); it != selector.end(); ++it) {
    EXPECT_EQ(labels.value(it.key(), json()), it.value())
        << "label " << it.key();
  }
  EXPECT_THAT(List(spec, "policyTypes").get<std::vector<std::string>>(),
              IsSupersetOf({"Ingress", "Egress"}));

  const int admin_port = ListenPort(base.config, "admin_listen");
  const int inbound_port = base.config.contains("inbound_listen")
                               ? ListenPort(base.config, "inbound_listen")
                               : 8081;
  bool admin_from_monitoring = false;
  std::set<int> admitted;
  for (const json& rule : List(spec, "ingress")) {
    EXPECT_TRUE(rule.contains("ports")) << "an ingress rule admits every port";
    for (const json& port : List(rule, "ports")) {
      const int number = PolicyPort(port.value("port", json()), signet);
      admitted.insert(number);
      if (number != admin_port) continue;
      for (const json& from : List(rule, "from")) {
        admin_from_monitoring =
            admin_from_monitoring ||
            from.value(json::json_pointer("/namespaceSelector/matchLabels/"
                                          "kubernetes.io~1metadata.name"),
                       "") == "monitoring";
      }
    }
  }
  EXPECT_TRUE(admin_from_monitoring)
      << "admin port not admitted from the monitoring namespace";
  for (int port : admitted) {
    EXPECT_TRUE(port == admin_port || port == inbound_port)
        << "ingress admits port " << port;
  }
  if (base.config.contains("inbound_listen")) {
    EXPECT_THAT(admitted, Contains(inbound_port));
  }

  std::set<std::pair<std::string, int>> egress;
  for (const json& rule : List(spec, "egress")) {
    EXPECT_FALSE(List(rule, "to").empty()) << "an egress rule to anywhere";
    EXPECT_FALSE(List(rule, "ports").empty()) << "an egress rule on any port";
    for (const json& port : List(rule, "ports")) {
      egress.insert({port.value("protocol", "TCP"),
                     PolicyPort(port.value("port", json()), signet)});
    }
  }
  EXPECT_THAT(egress, Contains(std::make_pair(std::string("UDP"), 53)));
  const std::vector<std::string> urls = UpstreamUrls(base.config);
  EXPECT_FALSE(urls.empty());
  for (const std::string& url : urls) {
    EXPECT_THAT(egress,
                Contains(std::make_pair(std::string("TCP"), UrlPort(url))))
        << url;
  }
}

}  // namespace
}  // namespace signet
