#!/usr/bin/env python3
"""make_kit: build printable, fillable resource packs on secure attachment from YAML content.

Exit status: 0 done, 1 internal error (a bug: please report it), 2 bad input, an output folder
that cannot be written, or an interrupted build.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def parse_args(argv):
    from kit import __version__

    parser = argparse.ArgumentParser(
        prog="make_kit", description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  make_kit build\n  make_kit init clinic my-clinic\n"
               "  make_kit --org my-clinic build\n\n"
               "Run 'make_kit COMMAND --help' for a command's options and an example.")
    parser.add_argument("--version", action="version", version=f"make_kit {__version__}")
    parser.add_argument("--verbose", action="store_true", help="show tracebacks for errors")
    parser.add_argument("--content", type=Path, default=None, metavar="DIR",
                        help="content folder (default: the bundled content/)")
    parser.add_argument("--org", type=Path, default=None, metavar="DIR",
                        help="organisation folder: its kits, brands, documents and overrides "
                             "come first")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name, summary, *examples):
        return sub.add_parser(name, help=summary,
                              description=summary[0].upper() + summary[1:] + ".",
                              formatter_class=argparse.RawDescriptionHelpFormatter,
                              epilog="example" + ("s" if len(examples) > 1 else "") + ":\n"
                                     + "\n".join(f"  {e}" for e in examples))

    kit_help = ("kit name or path of a kit file (default: the organisation folder's only kit, "
                "else default)")
    b = command("build", "build a kit's pack and each of its documents as PDFs",
                "make_kit build adoption --out print/",
                "make_kit --org my-clinic build")
    b.add_argument("kit", nargs="?", default=None, help=kit_help)
    b.add_argument("--out", type=Path, default=Path("output"), metavar="DIR",
                   help="output folder (default: output/)")
    b.add_argument("--large-print", action="store_true", default=None,
                   help="body text at 18 pt, whatever the kit says")
    b.add_argument("--flatten", action="store_true",
                   help="print-ready copy: no fillable fields, pre-filled values printed as text")
    b.add_argument("--pack-only", action="store_true", help="skip the per-document PDFs")
    b.add_argument("--language", default=None, metavar="LANG",
                   help="build only this language edition (default: every one the kit lists)")
    b.add_argument("--quiet", action="store_true", help="print only warnings and errors")
    c = command("check", "validate a kit without building it and print its reading levels",
                "make_kit check childcare",
                "make_kit --org my-agency check my-agency --families my-agency/families.csv")
    c.add_argument("kit", nargs="?", default=None, help=kit_help)
    c.add_argument("--language", default=None, metavar="LANG",
                   help="check only this language edition (default: every one)")
    c.add_argument("--families", type=Path, default=None, metavar="FILE",
                   help="also check a families file's columns against the fields and variables")
    f = command("fields", "list a kit's form fields: name, type, document, pre-filled, tooltip",
                "make_kit --org my-clinic fields")
    f.add_argument("kit", nargs="?", default=None, help=kit_help)
    pn = command("pin", "record the stock text each override replaces, so check can tell when "
                        "a new edition changes it",
                 "make_kit --org my-agency pin my-agency", "make_kit pin us --editions")
    pn.add_argument("kit", nargs="?", default=None, help=kit_help)
    pn.add_argument("--editions", action="store_true",
                    help="instead, record in each partial document of the kit's editions "
                         "(based_on:) the base text each of its replacements replaces")
    it = command("init", "write a small organisation folder (brand, logo, a kit) that builds "
                         "as written",
                 "make_kit init clinic my-clinic", "make_kit init agency my-agency")
    it.add_argument("kind", type=str.lower, choices=["clinic", "agency"],
                    help="clinic: the default pack; agency: the adoption pack and a families "
                         "file")
    it.add_argument("folder", type=Path, metavar="DIR", help="the new folder (must not exist, "
                                                             "or be empty)")
    bt = command("batch", "build one personalised pack per family of a CSV or YAML file",
                 "make_kit --org my-agency batch my-agency my-agency/families.csv")
    bt.add_argument("kit", help="kit name or path of a kit file")
    bt.add_argument("families", type=Path, help="families file: .csv, or .yaml with a list")
    bt.add_argument("--out", default=None,
                    help="output folder or fsspec URL such as s3://bucket/packs "
                         "(default: output/KIT-families/)")
    bt.add_argument("--name-column", default=None, metavar="COLUMN",
                    help="column whose value names each pack (default: id, else the first)")
    bt.add_argument("--jobs", type=int, default=None, metavar="N",
                    help="processes to use (default: all cores)")
    bt.add_argument("--flatten", action="store_true", help="print-ready packs without fields")
    bt.add_argument("--no-progress", action="store_true",
                    help="no progress bar (there is none anyway when output is not a terminal)")
    bt.add_argument("--quiet", action="store_true", help="no progress bar and no summary line")
    bt.add_argument("--scheduler", default=None, metavar="ADDRESS",
                    help="build on the Dask cluster at ADDRESS, e.g. tcp://10.0.0.5:8786 "
                         "(default: $DASK_SCHEDULER_ADDRESS, else this machine's cores)")
    bt.add_argument("--documents", action="store_true",
                    help="also write each family's documents, one PDF each, in a folder "
                         "named like its pack")
    bt.add_argument("--language", default=None, metavar="LANG",
                    help="build every family's pack in this language edition of the kit "
                         "(default: the kit's first language only)")
    st = command("site", "build the web edition: a download page and every document as a web "
                         "page",
                 "make_kit site default adoption --base-url https://example.org/kit/")
    st.add_argument("kits", nargs="*", default=["default"], metavar="KIT",
                    help="kits to publish, one edition per language (default: default)")
    st.add_argument("--out", type=Path, default=Path("output/site"), metavar="DIR",
                    help="site folder (default: output/site/)")
    st.add_argument("--base-url", default=None, metavar="URL",
                    help="address the site will be published at; each PDF then prints a QR "
                         "code and the address of its web page")
    sv = command("serve", "build the web edition, serve it on 127.0.0.1 and rebuild it when "
                          "content changes", "make_kit serve --port 8080")
    sv.add_argument("kits", nargs="*", default=["default"], metavar="KIT",
                    help="kits to publish (default: default)")
    sv.add_argument("--out", type=Path, default=Path("output/site"), metavar="DIR",
                    help="site folder (default: output/site/)")
    sv.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000)")
    sv.add_argument("--base-url", default=None, metavar="URL", help="as for site")
    tr = command("translate", "export a kit's text for translators (PO), or import their "
                              "translation as YAML",
                 "make_kit translate export default --language es",
                 "make_kit translate import default output/default.es.po")
    trs = tr.add_subparsers(dest="translate_command", metavar="ACTION", required=True)
    te = trs.add_parser("export", help="write every document's text as a gettext PO file")
    te.add_argument("kit", help="kit name or path of a kit file")
    te.add_argument("--language", required=True, metavar="LANG", help="the language to "
                    "translate into, e.g. es")
    te.add_argument("--from", dest="source_language", default=None, metavar="LANG",
                    help="the language to translate from (default: the kit's first)")
    te.add_argument("--out", type=Path, default=None, metavar="FILE",
                    help="the PO file to write (default: output/KIT.LANG.po)")
    ti = trs.add_parser("import", help="write translated documents (YAML) from a PO file")
    ti.add_argument("kit", help="kit name or path of a kit file")
    ti.add_argument("po", type=Path, metavar="FILE", help="the translated PO file")
    ti.add_argument("--out", type=Path, default=None, metavar="DIR",
                    help="folder to write LANG/documents/ into (default: the organisation "
                         "folder, else the content folder)")
    ls = command("list", "list the kits, documents and layouts there are",
                 "make_kit --org my-clinic list")
    sc = command("schema", "print the content format: every field and what it means",
                 "make_kit schema | less")
    for p in (b, c, f, pn, it, bt, st, sv, ls, sc, te, ti):
        p.add_argument("--verbose", action="store_true", default=argparse.SUPPRESS,
                       help="show tracebacks for errors")
        p.add_argument("--content", type=Path, default=argparse.SUPPRESS, metavar="DIR",
                       help="content folder (default: the bundled content/)")
        p.add_argument("--org", type=Path, default=argparse.SUPPRESS, metavar="DIR",
                       help="organisation folder (kits, brands, documents, overrides)")
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        sys.exit(2)
    return args


def _errors_only(*values, file=None, **kw) -> None:
    """print for --quiet: what goes to stderr (errors, warnings) only."""
    if file is sys.stderr:
        print(*values, file=file, **kw)


def _kit_name(args, places) -> str:
    """The kit named on the command line; else the organisation folder's only kit; else default."""
    if getattr(args, "kit", None):
        return args.kit
    if args.org is not None:
        own = sorted(p.stem for p in (args.org / "kits").glob("*.yaml"))
        if len(own) == 1:
            return own[0]
    return "default"


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from kit import commands
    from kit.errors import ContentError
    from kit.options import Options
    from kit.output import OutputError
    from kit.places import CONTENT, Places

    places = Places(args.content or CONTENT, args.org)
    try:
        if args.org is not None and not args.org.is_dir():
            raise ContentError.single(args.org, "organisation folder not found")
        if args.command == "init":
            commands.init(args.kind, args.folder,
                          stock=args.content or CONTENT)
        elif args.command == "build":
            commands.build(places, _kit_name(args, places), args.out,
                           Options(large_print=args.large_print, forms=not args.flatten,
                                   documents=not args.pack_only),
                           say=(lambda *_: None) if args.quiet else print,
                           language=args.language)
        elif args.command == "batch":
            from kit import batch

            import os

            stem = Path(args.kit).stem + (f".{args.language}" if args.language else "")
            out = args.out or Path("output") / f"{stem}-families"
            summary = batch.run(places, args.kit, args.families, out,
                                Options(forms=not args.flatten, documents=args.documents),
                                name_column=args.name_column, jobs=args.jobs,
                                progress=not (args.no_progress or args.quiet),
                                say=_errors_only if args.quiet else print,
                                scheduler=args.scheduler or os.environ.get(
                                    "DASK_SCHEDULER_ADDRESS") or None,
                                language=args.language)
            return 2 if summary.failed else 0
        elif args.command in ("site", "serve"):
            from kit import site

            if args.base_url and not args.base_url.startswith(("https://", "http://")):
                raise ContentError.single("--base-url", "must start with https:// or http://")
            from kit.output import check_target

            check_target(args.out, places.roots + [places.kit(kit) for kit in args.kits])
            if args.command == "site":
                site.site_command(places, args.kits, args.out, args.base_url)
            else:
                from kit.site.serve import serve

                serve(places, args.kits, args.out, args.port, args.base_url)
        elif args.command == "check":
            commands.check(places, _kit_name(args, places), language=args.language,
                           families=args.families)
        elif args.command == "translate":
            commands.translate(places, args)
        elif args.command == "fields":
            commands.fields(places, _kit_name(args, places))
        elif args.command == "pin":
            if args.editions:
                commands.pin_editions(places, _kit_name(args, places))
            else:
                commands.pin(places, _kit_name(args, places))
        elif args.command == "list":
            commands.list_all(places)
        elif args.command == "schema":
            commands.schema_reference()
        return 0
    except ContentError as exc:
        if args.verbose:
            raise
        files = {p.file: i for i, p in reversed(list(enumerate(exc.problems)))}
        for problem in sorted(exc.problems, key=lambda p: (files[p.file], p.line, p.col)):
            print(problem, file=sys.stderr)
        errors = sum(1 for p in exc.problems if p.severity == "error")
        warnings = len(exc.problems) - errors
        print(f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning"
              f"{'s' if warnings != 1 else ''}; nothing was written.", file=sys.stderr)
        return 2
    except OutputError as exc:
        if args.verbose:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into a command that stopped reading (e.g. head)
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        if args.command == "batch":  # packs finished before the interrupt are whole and kept
            from kit.batch import Interrupted

            exc = sys.exc_info()[1]
            print(str(exc) if isinstance(exc, Interrupted) else
                  "interrupted: the packs finished before the interrupt are kept (each one "
                  "whole); the other rows were not written. Run the same command again to "
                  "build the rest.", file=sys.stderr)
            return 130
        print("interrupted: nothing was written; the previous output is unchanged.",
              file=sys.stderr)
        return 2
    except Exception as exc:  # an internal error: say so plainly, traceback only when asked
        if args.verbose:
            raise
        print(f"internal error: {exc.__class__.__name__}: {exc}\n"
              "This is a bug in make_kit, not in your content. Run again with --verbose "
              "for details.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
