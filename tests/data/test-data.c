/* test-data.c: the files data/ installs are consistent with the code and translated.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

static char *
source_path (const char *first,
             ...)
{
  const char *root = g_getenv ("WAVECRAFT_SOURCE_ROOT");
  va_list args;
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  const char *p;

  g_assert_nonnull (root);
  g_ptr_array_add (parts, (gpointer) root);
  va_start (args, first);
  for (p = first; p != NULL; p = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) p);
  va_end (args);
  g_ptr_array_add (parts, NULL);
  return g_build_filenamev ((char **) parts->pdata);
}

static char *
build_path (const char *relative)
{
  const char *root = g_getenv ("WAVECRAFT_BUILD_ROOT");

  g_assert_nonnull (root);
  return g_build_filename (root, relative, NULL);
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

/* ---- introspection ----------------------------------------------------------------------- */

static void
assert_args (GDBusArgInfo **args,
             const char    *signature)
{
  g_autoptr(GString) sig = g_string_new (NULL);

  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_string_append (sig, args[i]->signature);
  g_assert_cmpstr (sig->str, ==, signature);
}

static void
assert_method (GDBusInterfaceInfo *iface,
               const char         *name,
               const char         *in,
               const char         *out)
{
  GDBusMethodInfo *m = g_dbus_interface_info_lookup_method (iface, name);

  g_assert_nonnull (m);
  assert_args (m->in_args, in);
  assert_args (m->out_args, out);
}

static void
assert_signal (GDBusInterfaceInfo *iface,
               const char         *name,
               const char         *args)
{
  GDBusSignalInfo *s = g_dbus_interface_info_lookup_signal (iface, name);

  g_assert_nonnull (s);
  assert_args (s->args, args);
}

static void
assert_property (GDBusInterfaceInfo *iface,
                 const char         *name,
                 const char         *signature)
{
  GDBusPropertyInfo *p = g_dbus_interface_info_lookup_property (iface, name);

  g_assert_nonnull (p);
  g_assert_cmpstr (p->signature, ==, signature);
  g_assert_cmpint (p->flags, ==, G_DBUS_PROPERTY_INFO_FLAGS_READABLE);
}

static void
test_introspection (void)
{
  g_autofree char *path = source_path ("data", APP_ID ".xml", NULL);
  g_autofree char *xml = read_file (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (xml, &error);
  GDBusInterfaceInfo *manager, *session;

  g_assert_no_error (error);
  manager = g_dbus_node_info_lookup_interface (node, APP_ID ".Manager");
  session = g_dbus_node_info_lookup_interface (node, APP_ID ".Session");
  g_assert_nonnull (manager);
  g_assert_nonnull (session);

  assert_method (manager, "StartSession", "s", "oss");
  assert_method (manager, "StartSessionFull", "sa{sv}", "oss");
  assert_method (manager, "StopSession", "o", "");
  assert_method (manager, "ListSessions", "", "a(osss)");
  assert_signal (manager, "SessionAdded", "o");
  assert_signal (manager, "SessionRemoved", "o");
  assert_property (manager, "LauncherUrl", "s");

  assert_method (session, "Rebuild", "", "");
  assert_method (session, "GetParameters", "", "s");
  assert_method (session, "SetParameter", "sd", "");
  assert_property (session, "State", "s");
  assert_property (session, "WsUrl", "s");
  assert_property (session, "UiUrl", "s");
  assert_property (session, "LastBuild", "s");
  assert_property (session, "ProjectDir", "s");
  assert_property (session, "Generation", "t");
  assert_signal (session, "BuildStarted", "tas");
  assert_signal (session, "BuildOutput", "s");
  assert_signal (session, "BuildFinished", "bds");
  assert_signal (session, "ParametersChanged", "");
  assert_signal (session, "ParameterChanged", "sd");
}

/* ---- desktop, service, metainfo ---------------------------------------------------------- */

static void
test_desktop (void)
{
  g_autofree char *path = build_path ("data/" APP_ID ".desktop");
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *exec = NULL;
  g_autofree char *icon = NULL;
  g_autofree char *name_de = NULL;
  g_autofree char *comment = NULL;
  g_autofree char *comment_de = NULL;

  g_key_file_load_from_file (keyfile, path, G_KEY_FILE_KEEP_TRANSLATIONS, &error);
  g_assert_no_error (error);
  g_assert_true (g_key_file_get_boolean (keyfile, "Desktop Entry", "DBusActivatable", &error));
  g_assert_no_error (error);
  exec = g_key_file_get_string (keyfile, "Desktop Entry", "Exec", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (exec, ==, "wavecraft launcher");
  icon = g_key_file_get_string (keyfile, "Desktop Entry", "Icon", &error);
  g_assert_cmpstr (icon, ==, APP_ID);

  /* Merged from po/: the German name and comment are there. */
  name_de = g_key_file_get_locale_string (keyfile, "Desktop Entry", "GenericName", "de", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name_de, ==, "Audio-Plugin-Entwicklung");
  comment = g_key_file_get_string (keyfile, "Desktop Entry", "Comment", &error);
  comment_de = g_key_file_get_locale_string (keyfile, "Desktop Entry", "Comment", "de", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (comment_de, !=, comment);
}

static void
test_service (void)
{
  g_autofree char *path = build_path ("data/" APP_ID ".service");
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *exec = NULL;

  g_key_file_load_from_file (keyfile, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  name = g_key_file_get_string (keyfile, "D-BUS Service", "Name", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, APP_ID);
  exec = g_key_file_get_string (keyfile, "D-BUS Service", "Exec", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (exec, ==, BINDIR "/wavecraft --gapplication-service");
}

static void
test_metainfo (void)
{
  g_autofree char *path = build_path ("data/" APP_ID ".metainfo.xml");
  g_autofree char *xml = read_file (path);

  g_assert_nonnull (strstr (xml, "<component type=\"console-application\">"));
  g_assert_nonnull (strstr (xml, "<id>" APP_ID "</id>"));
  g_assert_nonnull (strstr (xml, "<developer_name>"));
  g_assert_nonnull (strstr (xml, "<launchable type=\"desktop-id\">" APP_ID ".desktop</launchable>"));
  g_assert_nonnull (strstr (xml, "<binary>wavecraft</binary>"));
  /* Merged from po/. */
  g_assert_nonnull (strstr (xml, "<summary xml:lang=\"de\">"));
}

/* ---- icon -------------------------------------------------------------------------------- */

static void
on_start_element (GMarkupParseContext  *context,
                  const char           *element,
                  const char          **names,
                  const char          **values,
                  gpointer              user_data,
                  GError              **error)
{
  char **root = user_data;

  if (*root == NULL)
    *root = g_strdup (element);
}

static void
test_icon (gconstpointer data)
{
  const char *relative = data;
  g_autofree char *path = source_path ("data", "icons", "hicolor", relative, NULL);
  g_autofree char *svg = read_file (path);
  g_autofree char *root = NULL;
  const GMarkupParser parser = { on_start_element, NULL, NULL, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, &root, NULL);
  g_autoptr(GError) error = NULL;

  g_markup_parse_context_parse (context, svg, -1, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (root, ==, "svg");
}

/* ---- translations ------------------------------------------------------------------------ */

static gboolean
has_translatable_strings (const char *text)
{
  return strstr (text, "_(\"") != NULL || strstr (text, "N_(\"") != NULL ||
         strstr (text, "g_dngettext (GETTEXT_PACKAGE") != NULL;
}

static void
test_potfiles (void)
{
  g_autofree char *potfiles_path = source_path ("po", "POTFILES.in", NULL);
  g_autofree char *potfiles = read_file (potfiles_path);
  g_auto(GStrv) lines = g_strsplit (potfiles, "\n", -1);
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *src = source_path ("src", NULL);
  g_autoptr(GDir) dir = g_dir_open (src, 0, NULL);
  g_autoptr(GString) missing = g_string_new (NULL);
  const char *name;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));

      if (line[0] == '\0' || line[0] == '#')
        continue;
      g_hash_table_add (listed, g_steal_pointer (&line));
    }

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *text = NULL;
      g_autofree char *relative = NULL;

      if (!g_str_has_suffix (name, ".c"))
        continue;
      path = g_build_filename (src, name, NULL);
      text = read_file (path);
      relative = g_strconcat ("src/", name, NULL);
      if (has_translatable_strings (text) && !g_hash_table_contains (listed, relative))
        g_string_append_printf (missing, " %s", relative);
    }
  if (missing->len > 0)
    g_error ("po/POTFILES.in misses files with translatable strings:%s", missing->str);

  g_assert_true (g_hash_table_contains (listed, "data/" APP_ID ".desktop.in"));
  g_assert_true (g_hash_table_contains (listed, "data/" APP_ID ".metainfo.xml.in"));
}

static void
test_translation_complete (gconstpointer data)
{
  const char *lang = data;
  g_autofree char *po_name = g_strconcat (lang, ".po", NULL);
  g_autofree char *po = source_path ("po", po_name, NULL);
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *argv[] = { "msgfmt", "--check", "--statistics", "--output-file=/dev/null", po, NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  /* e.g. "212 translated messages." — nothing fuzzy, nothing untranslated. */
  g_test_message ("%s: %s", po_name, err);
  g_assert_nonnull (strstr (err, "translated message"));
  g_assert_null (strstr (err, "fuzzy"));
  g_assert_null (strstr (err, "untranslated"));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *linguas_path = NULL;
  g_autofree char *linguas = NULL;
  g_auto(GStrv) langs = NULL;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/wavecraft/data/introspection", test_introspection);
  g_test_add_func ("/wavecraft/data/desktop", test_desktop);
  g_test_add_func ("/wavecraft/data/service", test_service);
  g_test_add_func ("/wavecraft/data/metainfo", test_metainfo);
  g_test_add_data_func ("/wavecraft/data/icon/scalable", "scalable/apps/" APP_ID ".svg", test_icon);
  g_test_add_data_func ("/wavecraft/data/icon/symbolic", "symbolic/apps/" APP_ID "-symbolic.svg",
                        test_icon);
  g_test_add_func ("/wavecraft/data/potfiles", test_potfiles);

  linguas_path = source_path ("po", "LINGUAS", NULL);
  linguas = read_file (linguas_path);
  langs = g_strsplit_set (linguas, " \n", -1);
  for (guint i = 0; langs[i] != NULL; i++)
    {
      g_autofree char *test_path = NULL;

      g_strstrip (langs[i]);
      if (langs[i][0] == '\0' || langs[i][0] == '#')
        continue;
      test_path = g_strdup_printf ("/wavecraft/data/translation-complete/%s", langs[i]);
      g_test_add_data_func (test_path, langs[i], test_translation_complete);
    }

  return g_test_run ();
}
